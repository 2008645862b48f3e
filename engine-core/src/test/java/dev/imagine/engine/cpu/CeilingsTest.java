package dev.imagine.engine.cpu;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The two ceiling measurements compute what they claim (their speed is for benchmarks, not tests). */
class CeilingsTest {
    @Test
    void fmaLoopMatchesTheScalarRecurrence() {
        int iterations = 1000;
        double expect = 0;
        for (int j = 0; j < FmaThroughput.FMAS_PER_ITERATION; j++) {
            float c = 2f + j;
            for (int i = 0; i < iterations; i++) c = Math.fma(c, 0.999999f, 1e-3f);
            expect += c;
        }
        expect *= WeightLanes.L;
        assertEquals(expect, FmaThroughput.loop(iterations, 2f), 1e-3);
        try (WorkerPool two = new WorkerPool(2)) {
            FmaThroughput.Result r = FmaThroughput.measure(two, 10_000);
            assertEquals(2.0 * WeightLanes.L * 12 * 10_000 * 2, r.flops());
            assertTrue(r.gflops() > 0);
        }
    }

    @Test
    void bandwidthPassReadsEveryByte() {
        try (WorkerPool two = new WorkerPool(2)) {
            MemoryBandwidth.Result r = MemoryBandwidth.measure(two, 3 << 20, 2);
            float each = Float.intBitsToFloat(0x3f3f3f3f); // the fill byte repeated
            assertEquals(2.0 * (3 << 20) / 4 * each, r.checksum(), 1e-3 * r.checksum());
            assertEquals(3 << 20, r.bytes());
            assertTrue(r.bestGbPerS() >= r.medianGbPerS() && r.medianGbPerS() > 0);
        }
    }

    @Test
    void bufferForPassesNextToARunIsRoundedFilledAndStreamed() {
        try (WorkerPool two = new WorkerPool(2); java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofShared()) {
            java.lang.foreign.MemorySegment buffer = MemoryBandwidth.allocate(arena, (2 << 20) + 1);
            assertEquals(3 << 20, buffer.byteSize()); // rounded up to whole MiB chunks
            float each = Float.intBitsToFloat(0x3f3f3f3f);
            assertEquals((3 << 20) / 4 * (double) each, MemoryBandwidth.stream(two, buffer), 1e-3 * (3 << 20) / 4);
            assertTrue(MemoryBandwidth.bestGbPerS(two, buffer, 2) > 0);
            assertThrows(IllegalArgumentException.class, () -> MemoryBandwidth.bestGbPerS(two, buffer, 0));
            assertThrows(IllegalArgumentException.class, () -> MemoryBandwidth.allocate(arena, 0));
        }
    }
}
