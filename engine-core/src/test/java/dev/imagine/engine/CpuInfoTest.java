package dev.imagine.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuInfoTest {
    @Test
    void reportsWhatTheVectorApiChose() {
        CpuInfo cpu = CpuInfo.detect();
        assertTrue(cpu.cores() >= 1);
        assertTrue(cpu.vectorBits() >= 64 && Integer.bitCount(cpu.vectorBits()) == 1, "power-of-two width");
        assertEquals(cpu.vectorBits() / 32, cpu.floatLanes());
        assertTrue(cpu.totalMemoryBytes() > 0);
    }
}
