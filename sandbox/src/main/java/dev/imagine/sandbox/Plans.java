package dev.imagine.sandbox;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads plans files: the official submission format {@code {"idx", "query", "plan"}} or ours
 * {@code {"query_idx", "variant", "plan", ...}}. A row must be an object with a {@code plan} field (any JSON
 * value: malformed plans are the evaluator's business); the rest is checked with errors naming file and line.
 *
 * <pre>{@code List<PlanRow> rows = Plans.read(Path.of("plans.jsonl"));}</pre>
 */
public final class Plans {
    private Plans() {
    }

    public static List<PlanRow> read(Path file) {
        try (InputStream in = Queries.open(file)) {
            return read(file.toString(), in);
        } catch (NoSuchFileException e) {
            throw new SandboxException("no such file: " + file);
        } catch (IOException e) {
            throw new SandboxException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public static List<PlanRow> read(String source, InputStream in) throws IOException {
        List<PlanRow> out = new ArrayList<>();
        for (Queries.JsonLines.Line line : Queries.JsonLines.read(source, in)) {
            String where = source + " line " + line.number();
            JsonNode n = line.json();
            if (!n.isObject()) throw new SandboxException(where + ": a plan row must be a JSON object");
            if (!n.has("plan")) throw new SandboxException(where + ": missing field 'plan'");
            Integer queryIdx = null;
            JsonNode qi = n.get("query_idx");
            if (qi != null && !qi.isNull()) {
                if (!qi.isIntegralNumber() || qi.intValue() < 0)
                    throw new SandboxException(where + ": field 'query_idx' must be a non-negative integer, found " + qi);
                queryIdx = qi.intValue();
            }
            JsonNode variant = n.get("variant");
            if (variant != null && !variant.isNull() && !variant.isTextual())
                throw new SandboxException(where + ": field 'variant' must be a string, found " + variant);
            Object raw = Queries.JSON.convertValue(n.get("plan"), Object.class);
            out.add(new PlanRow(line.number(), queryIdx, variant == null || variant.isNull() ? null : variant.asText(), Plan.of(raw)));
        }
        return out;
    }
}
