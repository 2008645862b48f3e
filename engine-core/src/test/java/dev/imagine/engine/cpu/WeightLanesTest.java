package dev.imagine.engine.cpu;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WeightLanesTest {
    /** The Q8_0 scale table against the JDK's conversion for all 65536 f16 patterns, at odd (unaligned) offsets. */
    @Test
    void q8ScaleMatchesFloat16ToFloatForEveryPattern() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment blocks = arena.allocate(34L * 65536 + 1);
            for (int h = 0; h < 65536; h++) blocks.set(ValueLayout.JAVA_SHORT_UNALIGNED, 1 + 34L * h, (short) h);
            for (int h = 0; h < 65536; h++) {
                float expected = Float.float16ToFloat((short) h), actual = WeightLanes.q8Scale(blocks, 1 + 34L * h);
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual), "f16 bits 0x" + Integer.toHexString(h));
            }
        }
    }
}
