package dev.imagine.engine.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagine.engine.EngineException;
import dev.imagine.engine.tensor.DType;
import dev.imagine.engine.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Safetensors checkpoints: one {@code model.safetensors} or shards listed by {@code model.safetensors.index.json}.
 * Format: u64 little-endian header length N, N bytes of JSON {@code {name: {dtype, shape, data_offsets}}},
 * then the data; offsets are relative to the end of the header. F32, F16 and BF16 are supported.
 *
 * <p>Usage: {@code WeightSource s = SafetensorsSource.open(Path.of("Qwen3-8B"));}
 */
public final class SafetensorsSource implements WeightSource {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path main;
    private final List<MappedFile> files;
    private final Map<String, Tensor> tensors;
    private final Map<String, Path> fileOfTensor;

    private SafetensorsSource(Path main, List<MappedFile> files, Map<String, Tensor> tensors, Map<String, Path> fileOfTensor) {
        this.main = main;
        this.files = files;
        this.tensors = tensors;
        this.fileOfTensor = fileOfTensor;
    }

    /** Opens a folder (single file or sharded via the index) or a single .safetensors file. */
    public static SafetensorsSource open(Path path) {
        if (!Files.isDirectory(path)) return openFiles(path, List.of(path));
        Path single = path.resolve("model.safetensors");
        Path index = path.resolve("model.safetensors.index.json");
        if (Files.exists(single)) return openFiles(single, List.of(single));
        if (!Files.exists(index)) {
            throw new EngineException(path + ": no model.safetensors or model.safetensors.index.json in this folder");
        }
        JsonNode weightMap;
        try {
            weightMap = JSON.readTree(index.toFile()).get("weight_map");
        } catch (IOException e) {
            throw new EngineException(index + ": not valid JSON: " + e.getMessage(), e);
        }
        if (weightMap == null || !weightMap.isObject()) throw new EngineException(index + ": no \"weight_map\" object");
        Set<String> shards = new java.util.TreeSet<>();
        weightMap.properties().forEach(e -> shards.add(e.getValue().asText()));
        List<Path> shardPaths = new ArrayList<>();
        for (String shard : shards) shardPaths.add(path.resolve(shard));
        SafetensorsSource source = openFiles(index, shardPaths);
        for (var e : weightMap.properties()) {
            if (!source.tensors.containsKey(e.getKey())) {
                source.close();
                throw new EngineException(index + ": tensor " + e.getKey() + " is listed for " + e.getValue().asText()
                        + " but that file does not contain it");
            }
        }
        return source;
    }

    private static SafetensorsSource openFiles(Path main, List<Path> paths) {
        List<MappedFile> files = new ArrayList<>();
        Map<String, Tensor> tensors = new TreeMap<>();
        Map<String, Path> fileOf = new LinkedHashMap<>();
        try {
            for (Path p : paths) {
                MappedFile file = MappedFile.open(p);
                files.add(file);
                readHeader(file, tensors, fileOf);
            }
        } catch (RuntimeException e) {
            files.forEach(MappedFile::close);
            throw e;
        }
        return new SafetensorsSource(main, files, Collections.unmodifiableMap(tensors), fileOf);
    }

    private static void readHeader(MappedFile file, Map<String, Tensor> tensors, Map<String, Path> fileOf) {
        Path path = file.path();
        MemorySegment lengthBytes = file.slice(0, 8, "the header length");
        long headerLength = lengthBytes.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 0);
        if (headerLength <= 0 || headerLength > 100_000_000L) {
            throw new EngineException(path + ": header length " + headerLength + " is not plausible (not a safetensors file?)");
        }
        MemorySegment headerBytes = file.slice(8, headerLength, "the JSON header");
        JsonNode header;
        try {
            header = JSON.readTree(new String(headerBytes.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new EngineException(path + ": the header is not valid JSON: " + e.getMessage(), e);
        }
        long dataStart = 8 + headerLength;
        for (var entry : header.properties()) {
            String name = entry.getKey();
            if (name.equals("__metadata__")) continue;
            JsonNode info = entry.getValue();
            String dtypeName = info.path("dtype").asText();
            DType dtype = switch (dtypeName) {
                case "F32" -> DType.F32;
                case "F16" -> DType.F16;
                case "BF16" -> DType.BF16;
                default -> throw new EngineException(path + ": tensor " + name + " has dtype " + dtypeName
                        + ", which the engine does not support (F32, F16, BF16)");
            };
            JsonNode shapeNode = info.path("shape");
            JsonNode offsets = info.path("data_offsets");
            if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
                throw new EngineException(path + ": tensor " + name + " lacks a shape or data_offsets [begin, end]");
            }
            long[] shape = new long[shapeNode.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shapeNode.get(i).asLong(-1);
                if (shape[i] < 0) throw new EngineException(path + ": tensor " + name + " has a negative or non-integer dimension");
            }
            long begin = offsets.get(0).asLong(-1), end = offsets.get(1).asLong(-1);
            long bytes;
            try {
                bytes = dtype.bytes(Tensor.elements(shape));
            } catch (ArithmeticException e) {
                throw new EngineException(path + ": tensor " + name + " has a shape too large to address");
            }
            if (begin < 0 || end < begin || end - begin != bytes) {
                throw new EngineException(path + ": tensor " + name + " " + dtypeName + java.util.Arrays.toString(shape)
                        + " needs " + bytes + " bytes but data_offsets are [" + begin + ", " + end + "]");
            }
            if (begin > Long.MAX_VALUE - dataStart) throw new EngineException(path + ": tensor " + name + " offset overflows");
            MemorySegment data = file.slice(dataStart + begin, bytes, "tensor " + name);
            if (tensors.put(name, new Tensor(name, dtype, shape, data)) != null) {
                throw new EngineException(path + ": tensor " + name + " appears twice in the checkpoint");
            }
            fileOf.put(name, path);
        }
    }

    @Override
    public Set<String> names() {
        return tensors.keySet();
    }

    @Override
    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) throw new EngineException(main + ": tensor " + name + " is missing");
        return t;
    }

    @Override
    public Path fileOf(String name) {
        return fileOfTensor.getOrDefault(name, main);
    }

    @Override
    public void release(Tensor t) {
        for (MappedFile f : files) f.release(t.data());
    }

    @Override
    public void close() {
        files.forEach(MappedFile::close);
    }
}
