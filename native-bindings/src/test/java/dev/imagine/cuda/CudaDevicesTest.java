package dev.imagine.cuda;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CudaDevicesTest {
    @Test
    void discoveryNeverThrowsAndExplainsAnEmptyResult() {
        var found = CudaDevices.discover();
        if (found.any()) {
            assertNull(found.whyNone());
            for (CudaDevice d : found.devices()) {
                assertFalse(d.name().isBlank());
                assertTrue(d.totalMemoryBytes() > 0);
                assertTrue(d.computeMajor() >= 3);
            }
        } else {
            assertNotNull(found.whyNone());
            assertFalse(found.whyNone().contains("\n"), "the reason is one line");
        }
    }

    @Test
    void loadIsStableAcrossCalls() {
        assertEquals(CudaDriver.load().isPresent(), CudaDriver.load().isPresent());
        assertEquals(CudaDriver.load().isEmpty(), CudaDriver.unavailableReason() != null);
    }
}
