package dev.imagine.engine.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagine.engine.EngineException;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The header of a mapped .safetensors file: u64 little-endian length N, N bytes of JSON
 * {@code {"__metadata__": {string: string}, name: {dtype, shape, data_offsets}}}, then the data, the offsets
 * relative to its start. Only the structure is checked here (shapes of non-negative integers, offsets
 * read as integers, -1 where they are not); what a dtype means, and whether the offsets fit it and the file, is the
 * reader's business.
 *
 * <p>Usage: {@code SafetensorsHeader h = SafetensorsHeader.read(file); for (var e : h.entries()) file.slice(h.dataStart() + e.begin(), e.end() - e.begin(), e.name());}
 */
record SafetensorsHeader(Map<String, String> metadata, List<Entry> entries, long dataStart) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One tensor: data at [dataStart + begin, dataStart + end) of the file. */
    record Entry(String name, String dtype, long[] shape, long begin, long end) {
    }

    static SafetensorsHeader read(MappedFile file) {
        var path = file.path();
        long headerLength = file.slice(0, 8, "the header length").get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
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
        if (header == null || !header.isObject()) throw new EngineException(path + ": the header is not a JSON object");
        long dataStart = 8 + headerLength;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (var field : header.properties()) {
            String name = field.getKey();
            JsonNode info = field.getValue();
            if (name.equals("__metadata__")) {
                info.properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            JsonNode shapeNode = info.path("shape");
            JsonNode offsets = info.path("data_offsets");
            if (!info.path("dtype").isTextual() || !shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
                throw new EngineException(path + ": tensor " + name + " lacks a dtype, a shape or data_offsets [begin, end]");
            }
            long[] shape = new long[shapeNode.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shapeNode.get(i).canConvertToLong() ? shapeNode.get(i).asLong() : -1;
                if (shape[i] < 0) throw new EngineException(path + ": tensor " + name + " has a negative or non-integer dimension");
            }
            entries.add(new Entry(name, info.path("dtype").asText(), shape, offsets.get(0).asLong(-1), offsets.get(1).asLong(-1)));
        }
        return new SafetensorsHeader(Collections.unmodifiableMap(metadata), List.copyOf(entries), dataStart);
    }
}
