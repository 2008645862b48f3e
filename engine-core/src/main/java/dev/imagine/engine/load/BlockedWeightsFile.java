package dev.imagine.engine.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.imagine.engine.EngineException;
import dev.imagine.engine.tensor.DType;
import dev.imagine.engine.tensor.Tensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * A checkpoint's multiplied BF16 and Q8_0 matrices in the kernels' blocked layouts ({@link DType#BF16_BLOCKED},
 * {@link DType#Q8_0_BLOCKED}), written once by {@code imagine model block}
 * ({@link dev.imagine.engine.write.BlockedWeightsWriter}) so that later loads map them instead of re-laying them out
 * into new memory. That copy costs load time (about 4 s for the 0.6B shape in BF16 on two cores, 16-37 s for the 8B
 * shape in Q8_0) and memory that cannot be given back; for the 8B shape in BF16 on a 24 GB machine it does not fit
 * beside the mapping at all, so without this file those matrices stay row-major.
 *
 * <p>The file is a safetensors file. Each blocked matrix is a {@code U8} tensor of its blocked bytes under its
 * checkpoint name, starting on a page of the file; fillers named {@code __pad__.N} keep the data free of holes.
 * {@code __metadata__} holds {@code format} ({@value #FORMAT}), {@code version} ({@value #VERSION}: raised whenever
 * a blocked layout changes), {@code source} (the checkpoint's files: name, size, modification time), and
 * {@code layout:NAME} = {@code "BF16_BLOCKED 1024x3072"} per matrix. A file whose format, version or source does not
 * match, or that is truncated or corrupt, is not used: the load logs why and blocks at load as without it.
 *
 * <p>Usage: {@code BlockedWeightsFile f = BlockedWeightsFile.openIfUsable(path, source); Tensor b = f == null ? null : f.matrix(name);}
 */
public final class BlockedWeightsFile implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BlockedWeightsFile.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** {@code __metadata__.format}. */
    public static final String FORMAT = "imagine-blocked";
    /** {@code __metadata__.version}: the blocked layouts this build reads. */
    public static final int VERSION = 1;
    /** The metadata key prefix of a matrix's blocked dtype and shape. */
    public static final String LAYOUT_KEY = "layout:";
    /** Name prefix of the filler tensors between page-aligned matrices. */
    public static final String PAD_PREFIX = "__pad__.";

    private final MappedFile file;
    private final Map<String, Tensor> matrices;
    private final long bytes;

    private BlockedWeightsFile(MappedFile file, Map<String, Tensor> matrices, long bytes) {
        this.file = file;
        this.matrices = matrices;
        this.bytes = bytes;
    }

    /**
     * The blocked file at path if it exists and was written from exactly these source files with this build's
     * layouts; else null (absent: silently; present but unusable: with a warning that says why and how to rewrite it).
     */
    public static BlockedWeightsFile openIfUsable(Path path, WeightSource source) {
        if (!Files.exists(path)) return null;
        MappedFile file = null;
        try {
            file = MappedFile.open(path);
            BlockedWeightsFile f = bind(file, source);
            LOG.info("{}: mapping {} blocked matrices ({} MiB) instead of blocking them at load", path, f.matrices.size(), f.bytes >> 20);
            return f;
        } catch (EngineException e) {
            if (file != null) file.close();
            LOG.warn("{} (not used: the matrices are blocked at load instead; `imagine model block` rewrites the file)", e.getMessage());
            return null;
        }
    }

    private static BlockedWeightsFile bind(MappedFile file, WeightSource source) {
        Path path = file.path();
        SafetensorsHeader header = SafetensorsHeader.read(file);
        Map<String, String> meta = header.metadata();
        if (!FORMAT.equals(meta.get("format"))) {
            throw new EngineException(path + ": not a blocked weights file (__metadata__.format is " + meta.get("format") + ", not " + FORMAT + ")");
        }
        if (!String.valueOf(VERSION).equals(meta.get("version"))) {
            throw new EngineException(path + ": written for blocked layout version " + meta.get("version") + "; this build reads version " + VERSION);
        }
        String expected = fingerprint(source);
        if (!sameJson(meta.get("source"), expected)) {
            throw new EngineException(path + ": written from other checkpoint files (theirs: " + meta.get("source") + "; now: " + expected + ")");
        }
        Map<String, Tensor> matrices = new LinkedHashMap<>();
        long total = 0;
        for (SafetensorsHeader.Entry e : header.entries()) {
            if (e.name().startsWith(PAD_PREFIX)) continue;
            Tensor blocked = matrix(file, header, e, meta.get(LAYOUT_KEY + e.name()), source);
            matrices.put(e.name(), blocked);
            total += blocked.data().byteSize();
        }
        return new BlockedWeightsFile(file, Collections.unmodifiableMap(matrices), total);
    }

    /** Entry e as the blocked form of the source's matrix of the same name, after checking that the two agree. */
    private static Tensor matrix(MappedFile file, SafetensorsHeader header, SafetensorsHeader.Entry e, String layout, WeightSource source) {
        Path path = file.path();
        String what = path + ": matrix " + e.name();
        if (layout == null) throw new EngineException(what + " has no " + LAYOUT_KEY + e.name() + " in __metadata__");
        String[] parts = layout.split("[ x]");
        DType blocked;
        long[] shape;
        try {
            if (parts.length != 3) throw new IllegalArgumentException();
            blocked = DType.valueOf(parts[0]);
            shape = new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])};
        } catch (IllegalArgumentException bad) {
            throw new EngineException(what + ": layout \"" + layout + "\" is not \"BF16_BLOCKED|Q8_0_BLOCKED ROWSxCOLUMNS\"");
        }
        DType plain = switch (blocked) {
            case BF16_BLOCKED -> DType.BF16;
            case Q8_0_BLOCKED -> DType.Q8_0;
            default -> throw new EngineException(what + ": layout " + blocked + " is not a blocked dtype");
        };
        if (!source.has(e.name())) throw new EngineException(what + " is not in the checkpoint");
        Tensor t = source.tensor(e.name());
        if (t.dtype() != plain || !Arrays.equals(t.shape(), shape)) {
            throw new EngineException(what + " is " + layout + " but the checkpoint has " + t.dtype() + Arrays.toString(t.shape()));
        }
        long bytes = blocked.bytes(t.elements());
        if (!e.dtype().equals("U8") || !Arrays.equals(e.shape(), new long[] {bytes}) || e.begin() < 0 || e.end() - e.begin() != bytes) {
            throw new EngineException(what + " is stored as " + e.dtype() + Arrays.toString(e.shape()) + " at [" + e.begin() + ", " + e.end()
                    + "); its layout needs U8[" + bytes + "]");
        }
        long at = header.dataStart() + e.begin();
        if (at % Qwen3Weights.PAGE != 0) throw new EngineException(what + " starts at byte " + at + ", not on a page");
        return new Tensor(e.name(), blocked, t.shape(), file.slice(at, bytes, "matrix " + e.name()));
    }

    /**
     * The checkpoint's files as JSON: each file holding a tensor, by name, with its size and modification time (ms).
     * A file rewritten or touched since changes it, and the blocked file is then not used.
     */
    public static String fingerprint(WeightSource source) {
        TreeSet<Path> files = new TreeSet<>();
        for (String name : source.names()) files.add(source.fileOf(name));
        ArrayNode list = JSON.createArrayNode();
        for (Path p : files) {
            try {
                list.addObject().put("file", p.getFileName().toString()).put("bytes", Files.size(p))
                        .put("modified_ms", Files.getLastModifiedTime(p).toMillis());
            } catch (IOException e) {
                throw new EngineException(p + ": cannot read its size and modification time: " + e.getMessage(), e);
            }
        }
        return list.toString();
    }

    private static boolean sameJson(String a, String b) {
        if (a == null) return false;
        try {
            JsonNode x = JSON.readTree(a), y = JSON.readTree(b);
            return x.equals(y);
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    /** The blocked form of matrix name, or null when the file does not hold it. */
    public Tensor matrix(String name) {
        return matrices.get(name);
    }

    /** Bytes of all the blocked matrices. */
    public long bytes() {
        return bytes;
    }

    public Path path() {
        return file.path();
    }

    @Override
    public void close() {
        file.close();
    }
}
