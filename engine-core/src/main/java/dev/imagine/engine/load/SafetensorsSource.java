package dev.imagine.engine.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagine.engine.EngineException;
import dev.imagine.engine.tensor.DType;
import dev.imagine.engine.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
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
        SafetensorsHeader header = SafetensorsHeader.read(file);
        for (SafetensorsHeader.Entry e : header.entries()) {
            String name = e.name();
            DType dtype = switch (e.dtype()) {
                case "F32" -> DType.F32;
                case "F16" -> DType.F16;
                case "BF16" -> DType.BF16;
                default -> throw new EngineException(path + ": tensor " + name + " has dtype " + e.dtype()
                        + ", which the engine does not support (F32, F16, BF16)");
            };
            long[] shape = e.shape();
            long begin = e.begin(), end = e.end();
            long bytes;
            try {
                bytes = dtype.bytes(Tensor.elements(shape));
            } catch (ArithmeticException x) {
                throw new EngineException(path + ": tensor " + name + " has a shape too large to address");
            }
            if (begin < 0 || end < begin || end - begin != bytes) {
                throw new EngineException(path + ": tensor " + name + " " + e.dtype() + java.util.Arrays.toString(shape)
                        + " needs " + bytes + " bytes but data_offsets are [" + begin + ", " + end + "]");
            }
            if (begin > Long.MAX_VALUE - header.dataStart()) throw new EngineException(path + ": tensor " + name + " offset overflows");
            MemorySegment data = file.slice(header.dataStart() + begin, bytes, "tensor " + name);
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
