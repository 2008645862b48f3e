package dev.imagine.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads and writes {@code queries.jsonl}. Every malformed line is a {@link SandboxException} naming the file,
 * line and field. Optional per-line {@code route} / {@code legs} are read when present; {@link #attachMeta}
 * takes them from a {@code query_meta.jsonl} instead.
 *
 * <pre>{@code List<Query> queries = Queries.read(Path.of("queries.jsonl"));}</pre>
 */
public final class Queries {
    /** Reads JSON as Python's json module does, NaN and Infinity included. */
    static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private Queries() {
    }

    /** Reads a JSONL file (or .jsonl.gz) of queries. */
    public static List<Query> read(Path file) {
        try (InputStream in = open(file)) {
            return read(file.toString(), in);
        } catch (NoSuchFileException e) {
            throw new SandboxException("no such file: " + file);
        } catch (IOException e) {
            throw new SandboxException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads queries from a stream; {@code source} names it in errors. */
    public static List<Query> read(String source, InputStream in) throws IOException {
        List<Query> out = new ArrayList<>();
        for (JsonLines.Line line : JsonLines.read(source, in)) out.add(parse(source, line.number(), line.json()));
        return out;
    }

    static InputStream open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        return file.toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in;
    }

    /** Writes queries as JSONL (official key order). */
    public static void write(Path file, List<Query> queries) {
        try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Query q : queries) out.write(q.toJson() + "\n");
        } catch (IOException e) {
            throw new SandboxException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Attaches {@code route} and {@code legs} from a query_meta.jsonl ({@code {"idx", "route", "legs"}}, by position). */
    public static List<Query> attachMeta(List<Query> queries, Path metaFile) {
        try (InputStream in = open(metaFile)) {
            return attachMeta(queries, metaFile.toString(), in);
        } catch (NoSuchFileException e) {
            throw new SandboxException("no such file: " + metaFile);
        } catch (IOException e) {
            throw new SandboxException("cannot read " + metaFile + ": " + e.getMessage(), e);
        }
    }

    /** As {@link #attachMeta(List, Path)} from a stream; {@code source} names it in errors. */
    public static List<Query> attachMeta(List<Query> queries, String source, InputStream in) throws IOException {
        List<JsonLines.Line> lines = JsonLines.read(source, in);
        if (lines.size() != queries.size())
            throw new SandboxException(source + ": " + lines.size() + " lines for " + queries.size() + " queries");
        List<Query> out = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
            JsonLines.Line line = lines.get(i);
            out.add(queries.get(i).withRoute(strings(source, line.number(), line.json(), "route", false),
                    legs(source, line.number(), line.json())));
        }
        return out;
    }

    /** Parses one query object; errors name {@code source}, {@code line} and the field. */
    public static Query parse(String source, long line, JsonNode n) {
        String where = source + " line " + line;
        if (!n.isObject()) throw new SandboxException(where + ": a query must be a JSON object");
        n = fromHuggingFaceLayout(where, (com.fasterxml.jackson.databind.node.ObjectNode) n);
        JsonNode lc = n.get("local_constraint");
        if (lc == null || !lc.isObject())
            throw new SandboxException(where + ": field 'local_constraint' must be an object");
        String level = text(where, n, "level", false);
        if (!Query.LEVELS.contains(level))
            throw new SandboxException(where + ": field 'level' must be one of " + Query.LEVELS + ", found '" + level + "'");
        List<String> date = strings(source, line, n, "date", true);
        int days = integer(where, n, "days");
        if (days < 1) throw new SandboxException(where + ": field 'days' must be positive");
        if (date.isEmpty()) throw new SandboxException(where + ": field 'date' must list the travel dates");
        return new Query(text(where, n, "org", false), text(where, n, "dest", false), days,
                integer(where, n, "visiting_city_number"), date, integer(where, n, "people_number"),
                text(where + " local_constraint", lc, "house rule", true),
                strings(source, line, lc, "cuisine", false),
                text(where + " local_constraint", lc, "room type", true),
                text(where + " local_constraint", lc, "transportation", true),
                integer(where, n, "budget"), n.has("query") ? text(where, n, "query", true) : null, level,
                strings(source, line, n, "route", false), legs(source, line, n));
    }

    /**
     * The HF osunlp/TravelPlanner splits store {@code date} and {@code local_constraint} as Python literals
     * ({@code "['2022-03-16', ...]"}, {@code "{'house rule': None, ...}"}); their values come from a fixed
     * vocabulary without quotes, so quote and None/True/False replacement turns them into JSON.
     */
    private static JsonNode fromHuggingFaceLayout(String where, com.fasterxml.jackson.databind.node.ObjectNode n) {
        for (String field : List.of("date", "local_constraint")) {
            JsonNode v = n.get(field);
            if (v == null || !v.isTextual()) continue;
            String json = v.asText().replace('\'', '"').replace("None", "null").replace("True", "true").replace("False", "false");
            try {
                n = n.deepCopy();
                n.set(field, JSON.readTree(json));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new SandboxException(where + ": field '" + field + "' is a string but not a Python literal list/dict: " + v);
            }
        }
        return n;
    }

    private static String text(String where, JsonNode n, String field, boolean nullable) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (nullable) return null;
            throw new SandboxException(where + ": missing field '" + field + "'");
        }
        if (!v.isTextual()) throw new SandboxException(where + ": field '" + field + "' must be a string, found " + v);
        return v.asText();
    }

    private static int integer(String where, JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) throw new SandboxException(where + ": missing field '" + field + "'");
        if (v.isIntegralNumber() && v.canConvertToInt()) return v.intValue();
        if (v.isNumber() && v.asDouble() == Math.rint(v.asDouble())) return (int) v.asDouble();
        throw new SandboxException(where + ": field '" + field + "' must be an integer, found " + v);
    }

    private static List<String> strings(String source, long line, JsonNode n, String field, boolean required) {
        String where = source + " line " + line;
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) throw new SandboxException(where + ": missing field '" + field + "'");
            return null;
        }
        if (!v.isArray()) throw new SandboxException(where + ": field '" + field + "' must be a list of strings, found " + v);
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual()) throw new SandboxException(where + ": field '" + field + "' must hold strings, found " + e);
            out.add(e.asText());
        }
        return out;
    }

    private static List<Query.Leg> legs(String source, long line, JsonNode n) {
        JsonNode v = n.get("legs");
        if (v == null || v.isNull()) return null;
        String where = source + " line " + line;
        if (!v.isArray()) throw new SandboxException(where + ": field 'legs' must be a list of [from, to, date]");
        List<Query.Leg> out = new ArrayList<>();
        for (JsonNode leg : v) {
            if (!leg.isArray() || leg.size() != 3 || !leg.get(0).isTextual() || !leg.get(1).isTextual() || !leg.get(2).isTextual())
                throw new SandboxException(where + ": field 'legs' must hold [from, to, date] string triples, found " + leg);
            out.add(new Query.Leg(leg.get(0).asText(), leg.get(1).asText(), leg.get(2).asText()));
        }
        return out;
    }

    /** Reads lines of a JSONL stream as JSON trees, skipping blank lines; errors name the line. */
    static final class JsonLines {
        record Line(long number, JsonNode json) {
        }

        static List<Line> read(String source, InputStream in) throws IOException {
            List<Line> out = new ArrayList<>();
            var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            long number = 0;
            for (String text; (text = reader.readLine()) != null; ) {
                number++;
                if (text.isBlank()) continue;
                try {
                    out.add(new Line(number, JSON.readTree(text)));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new SandboxException(source + " line " + number + ": not valid JSON: " + e.getOriginalMessage());
                }
            }
            return out;
        }

        private JsonLines() {
        }
    }
}
