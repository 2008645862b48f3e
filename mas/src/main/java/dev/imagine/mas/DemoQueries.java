package dev.imagine.mas;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Eight built-in queries for the demo and tests: TravelPlanner-format queries from the project's visible
 * test set (easy/medium/hard, 3/5/7 days), with their route and legs so that the sandbox can build the
 * reference information.
 */
public final class DemoQueries {
    private DemoQueries() {
    }

    /** The queries.jsonl text. */
    public static String jsonl() {
        try (InputStream in = DemoQueries.class.getResourceAsStream("demo/queries.jsonl")) {
            if (in == null) throw new IllegalStateException("resource dev/imagine/mas/demo/queries.jsonl missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the built-in demo queries", e);
        }
    }

    /** Writes the queries to {@code file} (for {@code imagine mas run --queries}). */
    public static Path write(Path file) {
        try {
            Files.writeString(file, jsonl(), StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new MasException("cannot write " + file + ": " + e, e);
        }
    }
}
