package dev.imagine.mas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Reads the queries of a MAS run from a TravelPlanner {@code queries.jsonl} file. The query id is the
 * line's {@code query_id}, {@code id} or {@code idx} field when it has one, else a hash of the line, so a
 * re-run of the same file resumes even if lines were reordered. Reference information is the line's
 * {@code reference_information} field when present, else built by {@code references} (the sandbox).
 *
 * <p>Usage: {@code List<MasQuery> qs = QueryFile.read(path, references)}
 */
public final class QueryFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Builds the reference information (JSON text) of a structured query. */
    public interface ReferenceSource {
        String referenceInfo(JsonNode query);
    }

    private QueryFile() {
    }

    public static List<MasQuery> read(Path file, ReferenceSource references) {
        List<MasQuery> out = new ArrayList<>();
        Map<String, Integer> lineOfId = new HashMap<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank()) continue;
                String where = file + ":" + number;
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    throw new MasException(where + ": not JSON: " + e.getOriginalMessage());
                }
                if (node == null || !node.isObject()) throw new MasException(where + ": expected a JSON object per line");
                if (!node.path("query").isTextual()) throw new MasException(where + ": missing text field \"query\"");
                String id = idOf(node, line);
                Integer earlier = lineOfId.put(id, number);
                if (earlier != null) throw new MasException(where + ": query id " + id + " already on line " + earlier + " (each query must appear once)");
                String reference;
                JsonNode given = node.get("reference_information");
                if (given != null && !given.isNull()) reference = given.isTextual() ? given.asText() : JSON.writeValueAsString(given);
                else if (references == null) throw new MasException(where + ": no \"reference_information\" field and no database to build it from");
                else {
                    try {
                        reference = references.referenceInfo(node);
                    } catch (RuntimeException e) {
                        throw new MasException(where + ": cannot build the reference information: " + e.getMessage(), e);
                    }
                }
                com.fasterxml.jackson.databind.node.ObjectNode structured = node.deepCopy();
                structured.remove("reference_information");
                out.add(new MasQuery(id, node.get("query").asText(), JSON.writeValueAsString(structured), reference));
            }
        } catch (IOException e) {
            throw new MasException("cannot read queries " + file + ": " + e, e);
        }
        if (out.isEmpty()) throw new MasException(file + ": no queries");
        return out;
    }

    static String idOf(JsonNode node, String line) {
        for (String field : List.of("query_id", "id", "idx")) {
            JsonNode v = node.get(field);
            if (v != null && (v.isTextual() || v.isIntegralNumber())) return v.asText();
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(line.strip().getBytes(StandardCharsets.UTF_8));
            return "q-" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
