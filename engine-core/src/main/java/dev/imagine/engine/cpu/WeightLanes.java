package dev.imagine.engine.cpu;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Loads weights of every storage type as f32 vector lanes, converting in registers. The float width is the
 * CPU's preferred one capped at 512 bits (a Q8_0 block of 32 must hold at least two vectors' worth), or
 * the system property {@code imagine.vector.bits} (128..512) so tests can run the kernels at other widths.
 *
 * <p>The hot loops spell these conversions out inline rather than calling the helpers below: C2 may refuse to
 * inline a helper that it already compiled standalone, and a vector crossing a call is boxed on the heap,
 * which is 10-50× slower. The helpers document each conversion and serve the cold paths. F16 has no helper here:
 * the kernels convert it with {@link MatVec#halvesToFloats}, which C2 compiles to the hardware conversion.
 *
 * <p>Usage: {@code FloatVector w = WeightLanes.bf16(seg, byteOffset);}
 */
final class WeightLanes {
    static final VectorSpecies<Float> F = floatSpecies();
    static final int L = F.length();
    /** Shorts with as many lanes as F: the bf16/f16 load shape. */
    static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));
    static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    /** Bytes for Q8_0: at least 64 bits (the smallest shape), so one load may give several float vectors. */
    static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, L * 8)));
    /** Float vectors per byte load: 1, or 2 when F is 128 bits or narrower (bytes come no smaller than 64 bits). */
    static final int PARTS = B.length() / L;
    static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /**
     * Vector registers the kernels may plan for: 32 with AVX-512 (512-bit vectors) and on ARM, 16 with AVX2 and
     * narrower x86 vectors, or the system property {@code imagine.vector.registers} (16 or 32) so tests can run
     * both kinds of tile on any machine. The register-tiled kernels pick their tiles by it: a tile that needs more
     * registers than there are keeps its sums on the stack.
     */
    static final int REGISTERS = registers();
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    /**
     * Every f16 bit pattern as f32 (256 KiB, in L2; a layer's scales use a few hundred entries). A Q8_0 scale then
     * costs two loads and no vector-port work, where {@code Float.float16ToFloat} costs a move, a conversion and a
     * broadcast per block: the Q8_0 decode kernel measured +10-15 % from L2 (one thread, alternated runs).
     */
    private static final float[] HALF_TO_FLOAT = new float[1 << 16];

    static {
        for (int h = 0; h < HALF_TO_FLOAT.length; h++) HALF_TO_FLOAT[h] = Float.float16ToFloat((short) h);
    }

    private WeightLanes() {
    }

    private static int registers() {
        int r = Integer.getInteger("imagine.vector.registers", L * 32 >= 512 || "aarch64".equals(System.getProperty("os.arch")) ? 32 : 16);
        if (r != 16 && r != 32) throw new IllegalArgumentException("imagine.vector.registers must be 16 or 32, got " + r);
        return r;
    }

    private static VectorSpecies<Float> floatSpecies() {
        int preferred = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        int bits = Integer.getInteger("imagine.vector.bits", Math.min(preferred, 512));
        if (bits < 128 || bits > 512 || Integer.bitCount(bits) != 1) {
            throw new IllegalArgumentException("imagine.vector.bits must be 128, 256 or 512, got " + bits);
        }
        return VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
    }

    /** L lanes of f32 at a byte offset. */
    static FloatVector f32(MemorySegment seg, long offset) {
        return FloatVector.fromMemorySegment(F, seg, offset, ORDER);
    }

    /** L bf16 values at a byte offset: bf16 is the top half of an f32, so widen and shift. */
    static FloatVector bf16(MemorySegment seg, long offset) {
        return ShortVector.fromMemorySegment(S, seg, offset, ORDER)
                .convertShape(VectorOperators.ZERO_EXTEND_S2I, I, 0)
                .lanewise(VectorOperators.LSHL, 16)
                .reinterpretAsFloats();
    }

    /** B.length() int8 values at a byte offset (one Q8_0 load; take {@link #PARTS} float vectors from it). */
    static ByteVector int8(MemorySegment seg, long offset) {
        return ByteVector.fromMemorySegment(B, seg, offset, ORDER);
    }

    /** Part p (0 ≤ p < PARTS) of an int8 load as f32 lanes. */
    static FloatVector int8Part(ByteVector q, int p) {
        return (FloatVector) q.convertShape(VectorOperators.B2F, F, p);
    }

    /** The f16 scale d of the Q8_0 block at a byte offset. */
    static float q8Scale(MemorySegment seg, long blockOffset) {
        // the mask keeps the index in [0, 65535], so C2 drops the array's range check
        return HALF_TO_FLOAT[seg.get(I16, blockOffset) & 0xffff];
    }
}
