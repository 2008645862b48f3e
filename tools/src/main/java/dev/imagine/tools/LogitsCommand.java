package dev.imagine.tools;

import dev.imagine.engine.cpu.CpuBackend;
import dev.imagine.engine.kv.KvCache;
import dev.imagine.engine.load.Qwen3Weights;
import dev.imagine.engine.model.Batch;
import dev.imagine.engine.model.Qwen3Model;
import dev.imagine.engine.tensor.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** {@code imagine logits}: the logits at every position of a token sequence, as little-endian float32 [n, vocab]. */
@Command(name = "logits", mixinStandardHelpOptions = true,
        description = "Evaluate token ids in one causal pass and write the logits at every position (little-endian float32, shape [n_tokens, vocab]).")
final class LogitsCommand implements Runnable {
    @Option(names = "--model", required = true, description = "A Hugging Face model folder or a .gguf file.")
    Path model;

    @Option(names = "--tokens", required = true, description = "Comma-separated token ids, e.g. 1,2,3.")
    String tokens;

    @Option(names = "--out", required = true, description = "The output file.")
    Path out;

    @Override
    public void run() {
        int[] ids = TokenIds.parse(tokens, "--tokens");
        long start = System.nanoTime();
        try (Qwen3Weights w = Qwen3Weights.open(model);
             KvCache cache = KvCache.forSequences(w.config(), 1, ids.length, DType.F32);
             Qwen3Model m = new Qwen3Model(w, new CpuBackend(), cache)) {
            TokenIds.checkVocabulary(ids, w.config().vocabSize(), "--tokens");
            Batch batch = new Batch();
            batch.add(cache.newSequence(), ids, true);
            MemorySegment logits = m.forward(batch);
            write(logits, out);
            System.out.printf("wrote %s: [%d, %d] float32 little-endian (%.2f s)%n", out, ids.length, w.config().vocabSize(),
                    (System.nanoTime() - start) / 1e9);
        }
    }

    static void write(MemorySegment logits, Path file) {
        ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(logits.byteSize())).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(logits.toArray(ValueLayout.JAVA_FLOAT));
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            while (buffer.hasRemaining()) ch.write(buffer);
        } catch (IOException e) {
            throw new UserError("cannot write " + file + ": " + e.getMessage());
        }
    }

}
