package dev.imagine.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A named, typed, shaped view of memory (usually a memory-mapped slice of a checkpoint file). Row-major;
 * weights are {@code [out, in]} as in Hugging Face. The segment is exactly as long as the shape needs.
 *
 * <p>Usage: {@code Tensor w = new Tensor("model.layers.0.mlp.up_proj.weight", DType.BF16, new long[]{3072, 1024}, seg);}
 */
public record Tensor(String name, DType dtype, long[] shape, MemorySegment data) {
    public Tensor {
        shape = shape.clone();
        long expected = dtype.bytes(elements(shape));
        if (data.byteSize() != expected) {
            throw new IllegalArgumentException("tensor " + name + " " + dtype + Arrays.toString(shape) + " needs "
                    + expected + " bytes, segment has " + data.byteSize());
        }
    }

    public static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        return n;
    }

    public long elements() {
        return elements(shape);
    }

    public int rank() {
        return shape.length;
    }

    /** Size of dimension i as an int (the engine's dimensions all fit). */
    public int dim(int i) {
        return Math.toIntExact(shape[i]);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && data.equals(t.data);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }
}
