package dev.imagine.tools;

import dev.imagine.tokenizer.JsonlTokenization;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens a JSONL input and an output (a file, or stdout) for the tokenizer commands and reports the summary on stderr. */
final class JsonlFiles {
    interface Job {
        JsonlTokenization.Summary run(BufferedReader in, Writer out);
    }

    private JsonlFiles() {
    }

    static void run(Path in, Path out, Job job, String verb) {
        try (BufferedReader reader = Files.newBufferedReader(in, StandardCharsets.UTF_8)) {
            JsonlTokenization.Summary summary;
            if (out == null) {
                Writer stdout = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
                summary = job.run(reader, stdout);
            } else {
                try (Writer writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
                    summary = job.run(reader, writer);
                }
            }
            System.err.printf("%s %,d line%s (%,d tokens)%s%n", verb, summary.lines(), summary.lines() == 1 ? "" : "s", summary.tokens(),
                    out == null ? "" : " -> " + out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
