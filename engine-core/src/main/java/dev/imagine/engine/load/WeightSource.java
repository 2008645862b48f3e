package dev.imagine.engine.load;

import dev.imagine.engine.tensor.Tensor;

import java.nio.file.Path;
import java.util.Set;

/**
 * Named tensors of one checkpoint, memory-mapped. Shapes are always given in Hugging Face order
 * ({@code [out, in]} for weights), whatever the file stores. Closing unmaps the files: tensors
 * obtained before become unusable.
 *
 * <p>Usage: {@code try (WeightSource s = SafetensorsSource.open(dir)) { Tensor t = s.tensor("model.norm.weight"); }}
 */
public interface WeightSource extends AutoCloseable {
    Set<String> names();

    default boolean has(String name) {
        return names().contains(name);
    }

    /** The tensor; throws {@link dev.imagine.engine.EngineException} naming the file if it is missing. */
    Tensor tensor(String name);

    /** The file holding {@code name}, or the checkpoint's main file when it is missing (for error messages). */
    Path fileOf(String name);

    /** Drops the mapped pages of a tensor this source returned, once its data has been copied elsewhere. */
    default void release(Tensor t) {
    }

    @Override
    void close();
}
