package dev.imagine.engine.load;

import dev.imagine.engine.EngineException;
import dev.imagine.engine.cpu.BlockedBf16;
import dev.imagine.engine.cpu.BlockedQ8;
import dev.imagine.engine.tensor.DType;
import dev.imagine.engine.tensor.Float16;
import dev.imagine.engine.tensor.Tensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * A Qwen3 checkpoint bound to its layers: the config plus every weight tensor, shape-checked against the config.
 * Matmul weights stay memory-mapped in their file dtype, with two exceptions below; the small RMSNorm weight vectors
 * are converted once to f32 off-heap segments (a few KB a layer) so the norm kernels read one dtype.
 *
 * <p>Every BF16 matrix that is multiplied (all but an embedding that is only looked up) is copied at load into
 * {@link DType#BF16_BLOCKED}, the layout of {@link BlockedBf16}, where the vectors are 512 bits wide: one decode
 * step's matmuls on the 0.6B model at 8 rows took 147 → 122 ms (faster in 12 of 12 interleaved trials), at 16 rows
 * 289 → 192 ms, at one row the same (85 against 85 ms). Its mapped pages are then released. This costs about 1.5 s
 * of load time per GB (page faults of the new memory, and the transpose), and stays off where
 * {@code -Dimagine.weights.blockBf16=false}. Every multiplied Q8_0 matrix of whole blocks and groups
 * ({@link BlockedQ8#fits}) is likewise copied into {@link DType#Q8_0_BLOCKED} ({@link BlockedQ8}), 36/34 of its size
 * (the scales as f32): one decode step's matmuls on the 0.6B model at 8 rows took 175 → 88 ms (faster in 10 of 10
 * interleaved trials), at 16 rows 352 → 150 ms, at one row 46 → 44 ms (8 of 10). Off with
 * {@code -Dimagine.weights.blockQ8=false}.
 *
 * <p>Any other BF16, F16 or F32 matrix whose data does not start on a {@link #PAGE}-byte page boundary is copied
 * once into page-aligned memory, and its mapped pages are released. Two things made that worth its load time:
 * <ul>
 *   <li>a safetensors header is only padded to 8 bytes, so in most files from the Hugging Face hub every 512-bit
 *       load of a row splits across two cache lines (the batched decode matmuls of the 0.6B model ran 1.3× slower:
 *       8 rows, 6.8-7.3 against 8.9-9.2 GB/s);</li>
 *   <li>the batched BF16 tile streams two rows a page apart so that the hardware prefetcher follows one stream per
 *       4 KiB page ({@code BatchMatVec.bf16}); rows that start part-way into a page cross into the other stream's
 *       page. One decode step's matmuls at 8 rows on the 0.6B model, its 64-byte-aligned mapped matrices against
 *       copies in the same process, interleaved trials: copies at the file's page offsets 118.9 against 120.3 ms
 *       (faster in 3 of 14 trials), page-aligned copies 104.5 against 91.8 ms (faster in 13 of 14), and 120.5
 *       against 110.3 ms in 22 of 22 in another run. One row, and Q8_0, showed no difference.</li>
 * </ul>
 * Files this project writes are page-aligned, so only their BF16 and Q8_0 matrices are copied (into blocks). Set
 * {@code -Dimagine.weights.copyUnaligned=false} to keep every matrix mapped, blocked or not (less load time and
 * memory traffic, slower batched decode); they also stay mapped, with a warning, when the copies would take more
 * than half of the available memory (the 8B shape in BF16 on a 24 GB machine).
 *
 * <p>Usage: {@code try (Qwen3Weights w = Qwen3Weights.open(Path.of("model-dir-or.gguf"))) { ... }}
 */
public final class Qwen3Weights implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Qwen3Weights.class);
    /** The alignment a matrix needs to stay mapped, and the alignment of the copies: one 4 KiB page. */
    public static final int PAGE = 4096;

    /** One decoder layer. Norm weights are f32 segments; the rest are {@code [out, in]} tensors. */
    public record Layer(MemorySegment attnNorm, Tensor wq, Tensor wk, Tensor wv, Tensor wo,
                        MemorySegment qNorm, MemorySegment kNorm, MemorySegment ffnNorm,
                        Tensor wGate, Tensor wUp, Tensor wDown) {
    }

    private final Qwen3Config config;
    private final WeightSource source;
    /** The f32 norm vectors and the aligned copies of unaligned matrices. */
    private final Arena arena;
    /** Bytes of matrices copied out of the file at load. */
    private final long copiedBytes;
    private final Tensor embedding;
    private final List<Layer> layers;
    private final MemorySegment finalNorm;
    private final Tensor lmHead;

    private Qwen3Weights(Qwen3Config config, WeightSource source, Arena arena, Tensor embedding, List<Layer> layers,
                         MemorySegment finalNorm, Tensor lmHead, long copiedBytes) {
        this.config = config;
        this.copiedBytes = copiedBytes;
        this.source = source;
        this.arena = arena;
        this.embedding = embedding;
        this.layers = layers;
        this.finalNorm = finalNorm;
        this.lmHead = lmHead;
    }

    /**
     * Opens a Hugging Face folder (config.json + safetensors), a .gguf file, or a folder holding exactly one
     * .gguf file and no config.json.
     */
    public static Qwen3Weights open(Path path) {
        if (!Files.exists(path)) throw new EngineException(path + ": no such file or folder");
        if (Files.isDirectory(path) && Files.exists(path.resolve("config.json"))) {
            Qwen3Config config = Qwen3Config.fromConfigJson(path.resolve("config.json"));
            SafetensorsSource source = SafetensorsSource.open(path);
            return bindOrClose(config, source, Naming.HF);
        }
        Path gguf = path;
        if (Files.isDirectory(path)) {
            try (Stream<Path> files = Files.list(path)) {
                List<Path> ggufs = files.filter(p -> p.getFileName().toString().endsWith(".gguf")).toList();
                if (ggufs.size() != 1) {
                    throw new EngineException(path + ": a model folder needs config.json (Hugging Face) or exactly one .gguf file; found "
                            + ggufs.size() + " .gguf files and no config.json");
                }
                gguf = ggufs.getFirst();
            } catch (IOException e) {
                throw new EngineException(path + ": cannot list the folder: " + e.getMessage(), e);
            }
        }
        GgufFile file = GgufFile.open(gguf);
        Qwen3Config config;
        try {
            config = Qwen3Config.fromGguf(file);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
        return bindOrClose(config, file, Naming.GGUF);
    }

    private static Qwen3Weights bindOrClose(Qwen3Config config, WeightSource source, Naming naming) {
        try {
            return bind(config, source, naming);
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    /** Tensor names in the two conventions. */
    public enum Naming {
        HF {
            @Override
            public String layer(int i, String part) {
                return "model.layers." + i + "." + switch (part) {
                    case "attn_norm" -> "input_layernorm";
                    case "q" -> "self_attn.q_proj";
                    case "k" -> "self_attn.k_proj";
                    case "v" -> "self_attn.v_proj";
                    case "o" -> "self_attn.o_proj";
                    case "q_norm" -> "self_attn.q_norm";
                    case "k_norm" -> "self_attn.k_norm";
                    case "ffn_norm" -> "post_attention_layernorm";
                    case "gate" -> "mlp.gate_proj";
                    case "up" -> "mlp.up_proj";
                    case "down" -> "mlp.down_proj";
                    default -> throw new IllegalArgumentException(part);
                } + ".weight";
            }

            @Override
            public String global(String part) {
                return switch (part) {
                    case "embed" -> "model.embed_tokens.weight";
                    case "norm" -> "model.norm.weight";
                    case "lm_head" -> "lm_head.weight";
                    default -> throw new IllegalArgumentException(part);
                };
            }
        },
        /** As llama.cpp's converter writes Qwen3 (no q/k permutation: Qwen3 uses NEOX RoPE there too). */
        GGUF {
            @Override
            public String layer(int i, String part) {
                return "blk." + i + "." + switch (part) {
                    case "attn_norm" -> "attn_norm";
                    case "q" -> "attn_q";
                    case "k" -> "attn_k";
                    case "v" -> "attn_v";
                    case "o" -> "attn_output";
                    case "q_norm" -> "attn_q_norm";
                    case "k_norm" -> "attn_k_norm";
                    case "ffn_norm" -> "ffn_norm";
                    case "gate" -> "ffn_gate";
                    case "up" -> "ffn_up";
                    case "down" -> "ffn_down";
                    default -> throw new IllegalArgumentException(part);
                } + ".weight";
            }

            @Override
            public String global(String part) {
                return switch (part) {
                    case "embed" -> "token_embd.weight";
                    case "norm" -> "output_norm.weight";
                    case "lm_head" -> "output.weight";
                    default -> throw new IllegalArgumentException(part);
                };
            }
        };

        /** The name of part ("attn_norm", "q", "k", "v", "o", "q_norm", "k_norm", "ffn_norm", "gate", "up", "down") of layer i. */
        public abstract String layer(int i, String part);

        /** The name of a global part: "embed", "norm" or "lm_head". */
        public abstract String global(String part);
    }

    /** Binds and shape-checks every tensor the config needs. */
    public static Qwen3Weights bind(Qwen3Config c, WeightSource source, Naming naming) {
        Arena arena = Arena.ofShared();
        try {
            long start = System.nanoTime();
            boolean block = blockBf16(), blockQ8 = blockQ8();
            String head = naming.global("lm_head");
            boolean tied = !source.has(head) && c.tieWordEmbeddings();
            String lookedUpOnly = tied ? null : naming.global("embed");
            Binder b = new Binder(source, arena, copy(source, source.fileOf(naming.global("embed")), block, blockQ8, lookedUpOnly), block, blockQ8, new long[3]);
            int d = c.hiddenSize();
            // an embedding that is only looked up gains nothing from the kernels' layout
            Tensor embedding = b.matrix(naming.global("embed"), c.vocabSize(), d, tied);
            Layer[] layers = new Layer[c.layers()];
            for (int i = 0; i < c.layers(); i++) {
                layers[i] = new Layer(
                        b.vector(naming.layer(i, "attn_norm"), d),
                        b.matrix(naming.layer(i, "q"), c.qDim(), d, true),
                        b.matrix(naming.layer(i, "k"), c.kvDim(), d, true),
                        b.matrix(naming.layer(i, "v"), c.kvDim(), d, true),
                        b.matrix(naming.layer(i, "o"), d, c.qDim(), true),
                        b.vector(naming.layer(i, "q_norm"), c.headDim()),
                        b.vector(naming.layer(i, "k_norm"), c.headDim()),
                        b.vector(naming.layer(i, "ffn_norm"), d),
                        b.matrix(naming.layer(i, "gate"), c.intermediateSize(), d, true),
                        b.matrix(naming.layer(i, "up"), c.intermediateSize(), d, true),
                        b.matrix(naming.layer(i, "down"), d, c.intermediateSize(), true));
            }
            MemorySegment finalNorm = b.vector(naming.global("norm"), d);
            Tensor lmHead;
            if (source.has(head)) {
                lmHead = b.matrix(head, c.vocabSize(), d, true); // a stored lm_head wins even when the config says tied
            } else if (c.tieWordEmbeddings()) {
                lmHead = embedding;
            } else {
                throw new EngineException(source.fileOf(head) + ": tensor " + head + " is missing (tie_word_embeddings is false)");
            }
            if (b.copied()[0] > 0) {
                LOG.info("{}: copied {} matrices ({} MiB, {} of them in blocks of 32 rows) in {} s", source.fileOf(naming.global("embed")),
                        b.copied()[0], b.copied()[1] >> 20, b.copied()[2],
                        String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9));
            }
            return new Qwen3Weights(c, source, arena, embedding, List.of(layers), finalNorm, lmHead, b.copied()[1]);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Matrices worth a copy: plain types not on a page boundary (see the class comment). Q8_0's 34-byte blocks split
     * cache lines wherever they start, and its kernels measured the same on copies.
     */
    private static boolean unaligned(Tensor t) {
        return t.rank() == 2 && t.dtype() != DType.Q8_0 && t.data().address() % PAGE != 0;
    }

    /**
     * Whether BF16 matrices are re-laid out for the kernels ({@link BlockedBf16}): where the vectors are 512 bits,
     * unless {@code -Dimagine.weights.blockBf16=false}; at any width with {@code =always} (then narrower vectors run
     * the layout's scalar fallback: slow, for tests of the layout on every machine).
     */
    private static boolean blockBf16() {
        return blocked("imagine.weights.blockBf16");
    }

    /** As {@link #blockBf16} for Q8_0 matrices ({@link BlockedQ8}) and {@code -Dimagine.weights.blockQ8}. */
    private static boolean blockQ8() {
        return blocked("imagine.weights.blockQ8");
    }

    private static boolean blocked(String property) {
        String v = System.getProperty(property, "true");
        return switch (v) {
            case "always" -> true;
            case "true" -> BlockedBf16.supported();
            case "false" -> false;
            default -> throw new IllegalArgumentException("-D" + property + " must be true, false or always, got \"" + v + "\"");
        };
    }

    /** Bytes of t's copy at load: the blocked Q8_0 layout widens the scales (36 bytes per 32 values, not 34). */
    private static long copyBytes(Tensor t, boolean block, boolean blockQ8) {
        if (blockQ8 && BlockedQ8.fits(t)) return DType.Q8_0_BLOCKED.bytes(t.elements());
        return block && BlockedBf16.fits(t) || unaligned(t) ? t.data().byteSize() : 0;
    }

    /**
     * Whether to make the copies (BF16 and Q8_0 matrices in blocks when block / blockQ8 is set, other plain matrices
     * not on a page; the tensor lookedUpOnly, an embedding that is not the LM head, only if not on a page): unless
     * {@code -Dimagine.weights.copyUnaligned=false} (which keeps everything mapped), and only when they take at most
     * half of the memory available now, so that a model that only fits mapped still loads.
     */
    private static boolean copy(WeightSource source, Path file, boolean block, boolean blockQ8, String lookedUpOnly) {
        if (!Boolean.parseBoolean(System.getProperty("imagine.weights.copyUnaligned", "true"))) return false;
        long bytes = 0;
        for (String name : source.names()) {
            Tensor t = source.tensor(name);
            bytes += name.equals(lookedUpOnly) ? (unaligned(t) ? t.data().byteSize() : 0) : copyBytes(t, block, blockQ8);
        }
        if (bytes == 0) return false;
        long available = availableMemory();
        if (bytes > available / 2) {
            LOG.warn("{}: copying {} MiB of weight matrices at load (BF16 and Q8_0 into the kernels' blocked layouts, others not on a 4 KiB page) "
                    + "would take more than half of the {} MiB of memory available: they stay mapped, and batched decode and prefill "
                    + "run slower", file, bytes >> 20, available >> 20);
            return false;
        }
        LOG.info("{}: copying {} MiB of weight matrices at load (BF16 and Q8_0 into the kernels' blocked layouts, others not on a 4 KiB page; "
                + "-Dimagine.weights.blockBf16=false or blockQ8=false keeps that type row-major, -Dimagine.weights.copyUnaligned=false keeps everything mapped)",
                file, bytes >> 20);
        return true;
    }

    /**
     * {@code -Dimagine.weights.availableMemory=BYTES} if set (in a container /proc/meminfo shows the host's memory,
     * not the container's limit), else MemAvailable from /proc/meminfo (Linux), else the free physical memory the
     * JVM reports.
     */
    private static long availableMemory() {
        String set = System.getProperty("imagine.weights.availableMemory");
        if (set != null) {
            try {
                return Long.parseLong(set.trim());
            } catch (NumberFormatException e) {
                throw new EngineException("-Dimagine.weights.availableMemory must be a number of bytes, got \"" + set + "\"");
            }
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException | RuntimeException notLinux) {
            // fall through
        }
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getFreeMemorySize() : 0;
    }

    /** copied: {matrices copied, bytes copied, of them blocked}. */
    private record Binder(WeightSource source, Arena arena, boolean copy, boolean block, boolean blockQ8, long[] copied) {
        /** The matrix, shape-checked; copied if copy is set and it is a multiplied BF16 or Q8_0 matrix (into blocks) or not on a page. */
        Tensor matrix(String name, int rows, int cols, boolean multiplied) {
            Tensor t = get(name);
            if (t.rank() != 2 || t.shape()[0] != rows || t.shape()[1] != cols) {
                throw new EngineException(source.fileOf(name) + ": tensor " + name + " has shape " + Arrays.toString(t.shape())
                        + " but the config needs [" + rows + ", " + cols + "]");
            }
            if (!copy) return t;
            Tensor copied;
            if (multiplied && block && BlockedBf16.fits(t)) {
                copied = BlockedBf16.block(t, arena);
                this.copied[2]++;
            } else if (multiplied && blockQ8 && BlockedQ8.fits(t)) {
                copied = BlockedQ8.block(t, arena);
                this.copied[2]++;
            } else if (unaligned(t)) {
                MemorySegment aligned = arena.allocate(t.data().byteSize(), PAGE);
                aligned.copyFrom(t.data());
                // read-only like the mapping: the kernels see one segment class and state (see MappedFile)
                copied = new Tensor(t.name(), t.dtype(), t.shape(), aligned.asReadOnly());
            } else {
                return t;
            }
            source.release(t); // the file's pages stay in the page cache, not in this process
            this.copied[0]++;
            this.copied[1] += copied.data().byteSize();
            return copied;
        }

        MemorySegment vector(String name, int n) {
            Tensor t = get(name);
            if (t.rank() != 1 || t.shape()[0] != n) {
                throw new EngineException(source.fileOf(name) + ": tensor " + name + " has shape " + Arrays.toString(t.shape())
                        + " but the config needs [" + n + "]");
            }
            if (t.dtype() == DType.Q8_0) throw new EngineException(source.fileOf(name) + ": tensor " + name + " is a norm weight and cannot be Q8_0");
            MemorySegment f32 = arena.allocate(4L * n, 64);
            for (int i = 0; i < n; i++) f32.setAtIndex(ValueLayout.JAVA_FLOAT, i, readScalar(t, i));
            return f32;
        }

        Tensor get(String name) {
            if (!source.has(name)) throw new EngineException(source.fileOf(name) + ": tensor " + name + " is missing");
            return source.tensor(name);
        }
    }

    /** Element i of a plain (non-quantised) tensor as f32. */
    static float readScalar(Tensor t, long i) {
        MemorySegment s = t.data();
        return switch (t.dtype()) {
            case F32 -> s.get(ValueLayout.JAVA_FLOAT_UNALIGNED, i * 4);
            case BF16 -> Float16.bf16ToFloat(s.get(ValueLayout.JAVA_SHORT_UNALIGNED, i * 2));
            case F16 -> Float16.f16ToFloat(s.get(ValueLayout.JAVA_SHORT_UNALIGNED, i * 2));
            case Q8_0, BF16_BLOCKED, Q8_0_BLOCKED -> throw new IllegalArgumentException(t.dtype() + " has no scalar read: " + t);
        };
    }

    public Qwen3Config config() {
        return config;
    }

    public WeightSource source() {
        return source;
    }

    /** {@code [vocab, hidden]}. */
    public Tensor embedding() {
        return embedding;
    }

    public List<Layer> layers() {
        return layers;
    }

    /** f32 {@code [hidden]}. */
    public MemorySegment finalNorm() {
        return finalNorm;
    }

    /** Bytes of weight matrices copied out of the file into page-aligned memory at load (0: all mapped). */
    public long copiedBytes() {
        return copiedBytes;
    }

    /** {@code [vocab, hidden]}; the embedding itself when tied. */
    public Tensor lmHead() {
        return lmHead;
    }

    @Override
    public void close() {
        arena.close();
        source.close();
    }
}
