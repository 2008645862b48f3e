package dev.imagine.engine.write;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagine.engine.EngineException;
import dev.imagine.engine.load.Qwen3Config;
import dev.imagine.engine.load.Qwen3Weights;
import dev.imagine.engine.tensor.DType;
import dev.imagine.engine.tensor.Dequantize;
import dev.imagine.engine.tensor.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes Qwen3 checkpoints: deterministic random weights of a given shape (for tests and benchmarks, since no real
 * checkpoint can be downloaded here), or a conversion of loaded weights to GGUF (e.g. Q8_0). Everything streams row
 * by row, so writing the 16 GB 8B shape needs only a few MB of memory. Random values: matrices uniform with standard
 * deviation 0.02 (as HF's initializer_range), norm weights 1 ± 0.1; each row draws from its own generator seeded by
 * (seed, tensor name, row), so the values do not depend on the file format or order.
 *
 * <p>Usage: {@code Qwen3Checkpoints.writeRandom(Qwen3Checkpoints.shape("qwen3-0.6b"), DType.BF16, 42, dir, System.err);}
 */
public final class Qwen3Checkpoints {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Hugging Face-style shard size for big random checkpoints. */
    static final long SHARD_BYTES = 4L << 30;

    private Qwen3Checkpoints() {
    }

    /** The shapes {@code model random} knows: tiny (the golden tiny model's shape), qwen3-0.6b, qwen3-1.7b, qwen3-8b. */
    public static Qwen3Config shape(String name) {
        return switch (name) {
            case "tiny" -> new Qwen3Config(64, 192, 2, 4, 2, 16, 283, 1e6, 1e-6, false, 4096, new int[]{282});
            case "qwen3-0.6b" -> new Qwen3Config(1024, 3072, 28, 16, 8, 128, 151936, 1e6, 1e-6, true, 40960, new int[]{151645, 151643});
            case "qwen3-1.7b" -> new Qwen3Config(2048, 6144, 28, 16, 8, 128, 151936, 1e6, 1e-6, true, 40960, new int[]{151645, 151643});
            case "qwen3-8b" -> new Qwen3Config(4096, 12288, 36, 32, 8, 128, 151936, 1e6, 1e-6, false, 40960, new int[]{151645, 151643});
            default -> throw new EngineException("unknown shape \"" + name + "\": use tiny, qwen3-0.6b, qwen3-1.7b or qwen3-8b");
        };
    }

    /** One tensor of the model: its names in both conventions and its shape. */
    private record Part(String hf, String gguf, long[] shape, boolean norm) {
    }

    private static List<Part> parts(Qwen3Config c) {
        Qwen3Weights.Naming hf = Qwen3Weights.Naming.HF, gg = Qwen3Weights.Naming.GGUF;
        List<Part> parts = new ArrayList<>();
        long d = c.hiddenSize(), inter = c.intermediateSize();
        parts.add(new Part(hf.global("embed"), gg.global("embed"), new long[]{c.vocabSize(), d}, false));
        for (int l = 0; l < c.layers(); l++) {
            Object[][] layer = {
                    {"attn_norm", new long[]{d}}, {"q", new long[]{c.qDim(), d}}, {"k", new long[]{c.kvDim(), d}},
                    {"v", new long[]{c.kvDim(), d}}, {"o", new long[]{d, c.qDim()}}, {"q_norm", new long[]{c.headDim()}},
                    {"k_norm", new long[]{c.headDim()}}, {"ffn_norm", new long[]{d}}, {"gate", new long[]{inter, d}},
                    {"up", new long[]{inter, d}}, {"down", new long[]{d, inter}}};
            for (Object[] p : layer) {
                long[] shape = (long[]) p[1];
                parts.add(new Part(hf.layer(l, (String) p[0]), gg.layer(l, (String) p[0]), shape, shape.length == 1));
            }
        }
        parts.add(new Part(hf.global("norm"), gg.global("norm"), new long[]{d}, true));
        if (!c.tieWordEmbeddings()) parts.add(new Part(hf.global("lm_head"), gg.global("lm_head"), new long[]{c.vocabSize(), d}, false));
        return parts;
    }

    private static TensorSpec randomSpec(Part p, String name, long seed) {
        long nameSeed = seed * 0x9E3779B97F4A7C15L + p.hf().hashCode();
        float range = p.norm() ? 0.1f : (float) (0.02 * Math.sqrt(3)); // uniform(-a, a) has std a/√3
        float center = p.norm() ? 1f : 0f;
        return new TensorSpec(name, p.shape(), (r, out) -> {
            SplittableRandom rng = new SplittableRandom(nameSeed + r * 0xBF58476D1CE4E5B9L);
            for (int i = 0; i < out.length; i++) out[i] = center + range * (2 * rng.nextFloat() - 1);
        });
    }

    /**
     * Writes a random model into {@code outDir}: a Hugging Face folder (config.json + model.safetensors, sharded
     * with an index above 4 GiB) for F32/BF16/F16, or {@code outDir/model.gguf} for Q8_0 (norms stay F32).
     * Returns the path to load.
     */
    public static Path writeRandom(Qwen3Config c, DType dtype, long seed, Path outDir, PrintStream progress) throws IOException {
        return writeRandom(c, dtype, seed, outDir, SHARD_BYTES, progress);
    }

    /** As {@link #writeRandom(Qwen3Config, DType, long, Path, PrintStream)} with safetensors shards of at most shardBytes. */
    public static Path writeRandom(Qwen3Config c, DType dtype, long seed, Path outDir, long shardBytes, PrintStream progress) throws IOException {
        Files.createDirectories(outDir);
        List<Part> parts = parts(c);
        if (dtype == DType.Q8_0) {
            checkQ8Rows(c);
            List<TensorSpec> specs = parts.stream().map(p -> randomSpec(p, p.gguf(), seed)).toList();
            Path file = outDir.resolve("model.gguf");
            GgufWriter.write(file, ggufMetadata(c, "qwen3-random-q8_0", 7), specs, s -> s.shape().length == 1 ? DType.F32 : DType.Q8_0, progress);
            return file;
        }
        List<TensorSpec> specs = parts.stream().map(p -> randomSpec(p, p.hf(), seed)).toList();
        writeHuggingFace(c, specs, dtype, outDir, shardBytes, progress);
        return outDir;
    }

    private static void checkQ8Rows(Qwen3Config c) {
        if (c.hiddenSize() % 32 != 0 || c.intermediateSize() % 32 != 0 || c.qDim() % 32 != 0) {
            throw new EngineException("Q8_0 needs hidden, intermediate and heads·head_dim to be multiples of 32: " + c);
        }
    }

    private static void writeHuggingFace(Qwen3Config c, List<TensorSpec> specs, DType dtype, Path outDir, long shardBytes, PrintStream progress) throws IOException {
        String torchDtype = switch (dtype) {
            case F32 -> "float32";
            case BF16 -> "bfloat16";
            case BF16_BLOCKED, Q8_0_BLOCKED -> throw dtype.notAFileType();
            case F16 -> "float16";
            case Q8_0 -> throw new IllegalArgumentException("Q8_0 is written as GGUF");
        };
        Files.writeString(outDir.resolve("config.json"), c.toConfigJson(torchDtype));
        long total = SafetensorsWriter.dataBytes(specs, dtype);
        if (total <= shardBytes) {
            SafetensorsWriter.write(outDir.resolve("model.safetensors"), specs, dtype, progress);
            return;
        }
        List<List<TensorSpec>> shards = new ArrayList<>();
        List<TensorSpec> current = new ArrayList<>();
        long bytes = 0;
        for (TensorSpec s : specs) {
            long b = dtype.bytes(s.elements());
            if (!current.isEmpty() && bytes + b > shardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(s);
            bytes += b;
        }
        shards.add(current);
        ObjectNode index = JSON.createObjectNode();
        index.putObject("metadata").put("total_size", total);
        ObjectNode map = index.putObject("weight_map");
        for (int i = 0; i < shards.size(); i++) {
            String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
            for (TensorSpec s : shards.get(i)) map.put(s.name(), name);
            SafetensorsWriter.write(outDir.resolve(name), shards.get(i), dtype, progress);
        }
        Files.writeString(outDir.resolve("model.safetensors.index.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(index));
    }

    /**
     * Writes loaded weights as a GGUF file with matrices in {@code dtype} (F32, F16, BF16 or Q8_0) and norms in F32,
     * as llama.cpp's converter does. Tied models get no output.weight.
     */
    public static void toGguf(Qwen3Weights w, DType dtype, Path file, PrintStream progress) throws IOException {
        Qwen3Config c = w.config();
        if (dtype == DType.Q8_0) checkQ8Rows(c);
        List<TensorSpec> specs = new ArrayList<>();
        for (Part p : parts(c)) {
            Tensor t = p.gguf().equals("output.weight") ? w.lmHead() : w.source().tensor(
                    w.source().has(p.hf()) ? p.hf() : p.gguf());
            specs.add(new TensorSpec(p.gguf(), p.shape(), (r, out) -> Dequantize.row(t, r, java.lang.foreign.MemorySegment.ofArray(out), 0)));
        }
        int fileType = switch (dtype) {
            case F32 -> 0;
            case F16 -> 1;
            case Q8_0 -> 7;
            case BF16 -> 32;
            case BF16_BLOCKED, Q8_0_BLOCKED -> throw dtype.notAFileType();
        };
        GgufWriter.write(file, ggufMetadata(c, "qwen3-" + dtype.name().toLowerCase(java.util.Locale.ROOT), fileType), specs,
                s -> s.shape().length == 1 ? DType.F32 : dtype, progress);
    }

    /** The qwen3.* metadata llama.cpp writes (no rope.dimension_count: RoPE covers key_length). */
    static Map<String, Object> ggufMetadata(Qwen3Config c, String name, int fileType) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("general.architecture", "qwen3");
        m.put("general.type", "model");
        m.put("general.name", name);
        m.put("qwen3.block_count", c.layers());
        m.put("qwen3.context_length", c.maxPositions());
        m.put("qwen3.embedding_length", c.hiddenSize());
        m.put("qwen3.feed_forward_length", c.intermediateSize());
        m.put("qwen3.attention.head_count", c.heads());
        m.put("qwen3.attention.head_count_kv", c.kvHeads());
        m.put("qwen3.rope.freq_base", (float) c.ropeTheta());
        m.put("qwen3.attention.layer_norm_rms_epsilon", (float) c.rmsNormEps());
        m.put("qwen3.attention.key_length", c.headDim());
        m.put("qwen3.attention.value_length", c.headDim());
        m.put("general.file_type", fileType);
        m.put("general.quantization_version", 2);
        if (c.eosTokenIds().length > 0) m.put("tokenizer.ggml.eos_token_id", c.eosTokenIds()[0]);
        return m;
    }
}
