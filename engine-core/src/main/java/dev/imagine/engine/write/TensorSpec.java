package dev.imagine.engine.write;

import dev.imagine.engine.tensor.Tensor;

/**
 * A tensor to be written, produced one row at a time so that writers stream (a 16 GB checkpoint never sits in
 * memory). {@code shape} is in Hugging Face order; a row is the last dimension; 1-D tensors have one row.
 *
 * <p>Usage: {@code new TensorSpec("model.norm.weight", new long[]{1024}, (r, out) -> Arrays.fill(out, 1f))}
 */
public record TensorSpec(String name, long[] shape, RowSource rows) {
    /** Fills {@code out} (length = the last dimension) with row {@code r}. */
    @FunctionalInterface
    public interface RowSource {
        void row(long r, float[] out);
    }

    public TensorSpec {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int rowLength() {
        return Math.toIntExact(shape[shape.length - 1]);
    }

    public long rowCount() {
        return Tensor.elements(shape) / shape[shape.length - 1];
    }

    public long elements() {
        return Tensor.elements(shape);
    }
}
