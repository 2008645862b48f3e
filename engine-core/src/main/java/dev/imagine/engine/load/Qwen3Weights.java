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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * Files this project writes are page-aligned, so only their BF16 and Q8_0 matrices are copied (into blocks).
 *
 * <p>{@code imagine model block} writes those blocked matrices once to a {@link BlockedWeightsFile} at {@link
 * #blockedPath}; a load that finds it current maps the blocked matrices from there instead of copying (0.6B BF16:
 * load 4.0 → 0.4 s, the same decode and prefill speed), and the memory guard then counts only what is still copied. Set
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
    /** The blocked matrices mapped from {@code imagine model block}'s file, or null. */
    private final BlockedWeightsFile blocked;
    /** Bytes of the matrices mapped from it. */
    private final long blockedBytes;

    private Qwen3Weights(Qwen3Config config, WeightSource source, Arena arena, Tensor embedding, List<Layer> layers,
                         MemorySegment finalNorm, Tensor lmHead, long copiedBytes, BlockedWeightsFile blocked, long blockedBytes) {
        this.config = config;
        this.blockedBytes = blockedBytes;
        this.copiedBytes = copiedBytes;
        this.blocked = blocked;
        this.source = source;
        this.arena = arena;
        this.embedding = embedding;
        this.layers = layers;
        this.finalNorm = finalNorm;
        this.lmHead = lmHead;
    }

    /**
     * Opens a Hugging Face folder (config.json + safetensors), a .gguf file, or a folder holding exactly one
     * .gguf file and no config.json. Blocked matrices come from {@link #blockedPath}'s file where it is there and
     * current (see {@link BlockedWeightsFile}; {@code -Dimagine.weights.blockedFile=PATH} names another file, {@code
     * =off} ignores it), else they are blocked at load.
     */
    public static Qwen3Weights open(Path path) {
        return open(path, true);
    }

    /**
     * Opens the checkpoint with every tensor mapped as the file stores it: no copies, no blocked layouts (for
     * writers that read the checkpoint itself, such as {@code imagine model block} and {@code model convert}).
     */
    public static Qwen3Weights openMapped(Path path) {
        return open(path, false);
    }

    private static Qwen3Weights open(Path path, boolean copies) {
        if (!Files.exists(path)) throw new EngineException(path + ": no such file or folder");
        Path blockedFile = copies ? blockedFileToUse(path) : null;
        if (Files.isDirectory(path) && Files.exists(path.resolve("config.json"))) {
            Qwen3Config config = Qwen3Config.fromConfigJson(path.resolve("config.json"));
            SafetensorsSource source = SafetensorsSource.open(path);
            return bindOrClose(config, source, Naming.HF, copies, blockedFile);
        }
        GgufFile file = GgufFile.open(ggufOf(path));
        Qwen3Config config;
        try {
            config = Qwen3Config.fromGguf(file);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
        return bindOrClose(config, file, Naming.GGUF, copies, blockedFile);
    }

    /** path itself, or the one .gguf file of a folder without config.json. */
    private static Path ggufOf(Path path) {
        if (!Files.isDirectory(path)) return path;
        try (Stream<Path> files = Files.list(path)) {
            List<Path> ggufs = files.filter(p -> p.getFileName().toString().endsWith(".gguf")).toList();
            if (ggufs.size() != 1) {
                throw new EngineException(path + ": a model folder needs config.json (Hugging Face) or exactly one .gguf file; found "
                        + ggufs.size() + " .gguf files and no config.json");
            }
            return ggufs.getFirst();
        } catch (IOException e) {
            throw new EngineException(path + ": cannot list the folder: " + e.getMessage(), e);
        }
    }

    /**
     * Where {@code imagine model block} writes the blocked matrices of the model at path by default: {@code
     * FOLDER/imagine-blocked.safetensors} for a Hugging Face folder, {@code NAME.imagine-blocked.safetensors} beside
     * a {@code NAME.gguf} file (the folder of a lone .gguf counts as that file).
     */
    public static Path blockedPath(Path path) {
        if (Files.isDirectory(path) && Files.exists(path.resolve("config.json"))) return path.resolve("imagine-blocked.safetensors");
        Path gguf = ggufOf(path).toAbsolutePath();
        String name = gguf.getFileName().toString();
        return gguf.resolveSibling((name.endsWith(".gguf") ? name.substring(0, name.length() - 5) : name) + ".imagine-blocked.safetensors");
    }

    /** {@code -Dimagine.weights.blockedFile}: unset or {@code auto} → {@link #blockedPath}; {@code off} → none; else that path. */
    private static Path blockedFileToUse(Path model) {
        String v = System.getProperty("imagine.weights.blockedFile", "auto");
        return switch (v) {
            case "off" -> null;
            case "auto" -> blockedPath(model);
            default -> Path.of(v);
        };
    }

    private static Qwen3Weights bindOrClose(Qwen3Config config, WeightSource source, Naming naming, boolean copies, Path blockedFile) {
        try {
            return bind(config, source, naming, copies, blockedFile);
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

    /** Binds and shape-checks every tensor the config needs, copying and blocking matrices at load as {@link #open} does. */
    public static Qwen3Weights bind(Qwen3Config c, WeightSource source, Naming naming) {
        return bind(c, source, naming, true, null);
    }

    /**
     * As {@link #bind(Qwen3Config, WeightSource, Naming)}; with copies unset every matrix stays mapped as stored, and
     * where blockedFile holds a current {@link BlockedWeightsFile} its matrices are mapped from there.
     */
    private static Qwen3Weights bind(Qwen3Config c, WeightSource source, Naming naming, boolean copies, Path blockedFile) {
        Arena arena = Arena.ofShared();
        BlockedWeightsFile blocked = null;
        try {
            long start = System.nanoTime();
            boolean block = copies && blockBf16(), blockQ8 = copies && blockQ8();
            blocked = blockedFile != null && (block || blockQ8) ? BlockedWeightsFile.openIfUsable(blockedFile, source) : null;
            String head = naming.global("lm_head");
            boolean tied = !source.has(head) && c.tieWordEmbeddings();
            String lookedUpOnly = tied ? null : naming.global("embed");
            Path main = source.fileOf(naming.global("embed"));
            boolean copy = copies && copy(source, main, block, blockQ8, lookedUpOnly, blocked);
            Binder b = new Binder(source, arena, copy, block, blockQ8, blocked, new long[5]);
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
                double seconds = (System.nanoTime() - start) / 1e9;
                LOG.info("{}: copied {} matrices ({} MiB, {} of them in blocks of 32 rows) in {} s", main,
                        b.copied()[0], b.copied()[1] >> 20, b.copied()[2], String.format(java.util.Locale.ROOT, "%.1f", seconds));
                if (b.copied()[2] > 0 && blockedFile != null && seconds >= 1) { // worth a file only where it costs time

                    LOG.info("`imagine model block --model MODEL --out {}` writes the blocked matrices to that file; later loads map them from there", blockedFile);
                }
            }
            if (blocked != null && b.copied()[3] == 0) { // every matrix it holds was of a type kept row-major
                blocked.close();
                blocked = null;
            }
            return new Qwen3Weights(c, source, arena, embedding, List.of(layers), finalNorm, lmHead, b.copied()[1], blocked, b.copied()[4]);
        } catch (RuntimeException e) {
            arena.close();
            if (blocked != null) blocked.close();
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

    /** The blocked form of t from the blocked file, if it holds one and that type is blocked; else null. */
    private static Tensor mappedBlocked(BlockedWeightsFile blocked, Tensor t, boolean block, boolean blockQ8) {
        Tensor m = blocked == null ? null : blocked.matrix(t.name());
        if (m == null) return null;
        return m.dtype() == DType.BF16_BLOCKED && block || m.dtype() == DType.Q8_0_BLOCKED && blockQ8 ? m : null;
    }

    /**
     * Whether to make the copies (BF16 and Q8_0 matrices in blocks when block / blockQ8 is set, other plain matrices
     * not on a page; the tensor lookedUpOnly, an embedding that is not the LM head, only if not on a page): unless
     * {@code -Dimagine.weights.copyUnaligned=false} (which keeps everything mapped), and only when they take at most
     * half of the memory available now, so that a model that only fits mapped still loads.
     */
    private static boolean copy(WeightSource source, Path file, boolean block, boolean blockQ8, String lookedUpOnly, BlockedWeightsFile blocked) {
        if (!Boolean.parseBoolean(System.getProperty("imagine.weights.copyUnaligned", "true"))) return false;
        long bytes = 0;
        for (String name : source.names()) {
            Tensor t = source.tensor(name);
            if (name.equals(lookedUpOnly)) bytes += unaligned(t) ? t.data().byteSize() : 0;
            else if (mappedBlocked(blocked, t, block, blockQ8) == null) bytes += copyBytes(t, block, blockQ8);
        }
        if (bytes == 0) return false;
        long available = availableMemory();
        if (bytes > available / 2) {
            LOG.warn("{}: copying {} MiB of weight matrices at load (BF16 and Q8_0 into the kernels' blocked layouts, others not on a 4 KiB page) "
                    + "would take more than half of the {} MiB of memory available: they stay mapped, and batched decode and prefill "
                    + "run slower; `imagine model block --model MODEL` writes the blocked layouts to a file that loads map instead",
                    file, bytes >> 20, available >> 20);
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

    /** copied: {matrices copied, bytes copied, of them blocked, matrices mapped from the blocked file, their bytes}. */
    private record Binder(WeightSource source, Arena arena, boolean copy, boolean block, boolean blockQ8, BlockedWeightsFile blocked, long[] copied) {
        /**
         * The matrix, shape-checked. A multiplied BF16 or Q8_0 matrix comes blocked from the blocked file if it holds
         * it, else is copied into blocks if copy is set; other matrices are copied if copy is set and they are not on
         * a page.
         */
        Tensor matrix(String name, int rows, int cols, boolean multiplied) {
            Tensor t = get(name);
            if (t.rank() != 2 || t.shape()[0] != rows || t.shape()[1] != cols) {
                throw new EngineException(source.fileOf(name) + ": tensor " + name + " has shape " + Arrays.toString(t.shape())
                        + " but the config needs [" + rows + ", " + cols + "]");
            }
            Tensor mapped = multiplied ? mappedBlocked(blocked, t, block, blockQ8) : null;
            if (mapped != null) {
                copied[3]++;
                copied[4] += mapped.data().byteSize();
                return mapped;
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

    /** The file the blocked matrices were mapped from ({@link BlockedWeightsFile}), or null when none was used. */
    public Path blockedFile() {
        return blocked == null ? null : blocked.path();
    }

    /** Bytes of the blocked matrices mapped from {@link #blockedFile} (0 when none). */
    public long blockedMappedBytes() {
        return blockedBytes;
    }

    /**
     * The matrices the kernels multiply by (every layer's seven, and the LM head, which is the embedding when tied),
     * each once, in layer order.
     */
    public List<Tensor> multipliedMatrices() {
        Map<String, Tensor> byName = new LinkedHashMap<>();
        for (Layer l : layers) {
            for (Tensor t : List.of(l.wq(), l.wk(), l.wv(), l.wo(), l.wGate(), l.wUp(), l.wDown())) byName.putIfAbsent(t.name(), t);
        }
        byName.putIfAbsent(lmHead.name(), lmHead);
        return List.copyOf(byName.values());
    }

    /** {@code [vocab, hidden]}; the embedding itself when tied. */
    public Tensor lmHead() {
        return lmHead;
    }

    @Override
    public void close() {
        arena.close();
        if (blocked != null) blocked.close();
        source.close();
    }
}
