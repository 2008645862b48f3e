package dev.imagine.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagine.mas.BuiltInTeacher;
import dev.imagine.mas.DemoQueries;
import dev.imagine.mas.MasSandbox;
import dev.imagine.mas.TeacherServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(120)
class MasCliTest {
    @TempDir
    Path tmp;

    @Test
    void masRunThenTracesStatsShowExportAndResume() throws Exception {
        Path queries = DemoQueries.write(tmp.resolve("q.jsonl"));
        Path out = tmp.resolve("traces");
        try (TeacherServer teacher = TeacherServer.start(new BuiltInTeacher(MasSandbox.builtIn(), 0.5, 3), 0)) {
            CliTest.Run run = CliTest.run("mas", "run", "--queries", queries.toString(), "--teacher-url", teacher.baseUrl().toString(),
                    "--out", out.toString(), "--concurrency", "3");
            assertEquals(0, run.exit(), run.err() + run.out());
            assertTrue(run.out().contains("queries: 8 done, 0 failed"), run.out());
            assertTrue(run.out().contains("reflection rate:"), run.out());
            assertTrue(run.out().contains("final plan") && run.out().contains("final pass 100.0%"), run.out());

            CliTest.Run again = CliTest.run("mas", "run", "--queries", queries.toString(), "--teacher-url", teacher.baseUrl().toString(),
                    "--out", out.toString());
            assertEquals(0, again.exit(), again.err());
            assertTrue(again.out().contains("queries: 8 done, 0 failed (8 rows)"), "a re-run resumes and adds nothing: " + again.out());

            // Queries that failed (teacher unreachable) are recorded with their error, then redone with --retry-failed.
            Path failing = tmp.resolve("failing");
            CliTest.Run down = CliTest.run("mas", "run", "--queries", queries.toString(), "--teacher-url", "http://127.0.0.1:1/v1",
                    "--out", failing.toString(), "--retries", "1");
            assertEquals(0, down.exit(), down.err());
            assertTrue(down.out().contains("queries: 0 done, 8 failed (8 rows)"), down.out());
            CliTest.Run retried = CliTest.run("mas", "run", "--queries", queries.toString(), "--teacher-url", teacher.baseUrl().toString(),
                    "--out", failing.toString(), "--retry-failed");
            assertEquals(0, retried.exit(), retried.err());
            assertTrue(retried.out().contains("queries: 8 done, 0 failed (8 rows)"), retried.out());
        }
        CliTest.Run stats = CliTest.run("traces", "stats", out.toString());
        assertEquals(0, stats.exit(), stats.err());
        assertTrue(stats.out().contains("judge error rate"), stats.out());

        CliTest.Run show = CliTest.run("traces", "show", out.toString(), "--id", "visible-0", "--column", "training_text");
        assertEquals(0, show.exit(), show.err());
        assertTrue(show.out().contains("<think>") && show.out().contains("The reflection is over"), show.out());

        Path jsonl = tmp.resolve("t.jsonl");
        CliTest.Run export = CliTest.run("traces", "export-jsonl", out.toString(), "--out", jsonl.toString());
        assertEquals(0, export.exit(), export.err());
        List<String> lines = Files.readAllLines(jsonl);
        assertEquals(8, lines.size());
        assertEquals(8, lines.stream().map(l -> {
            try {
                return new ObjectMapper().readTree(l).path("query_id").asText();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).distinct().count());
    }

    @Test
    void userErrorsAreOneLine() {
        CliTest.Run missing = CliTest.run("mas", "run", "--queries", tmp.resolve("nope.jsonl").toString(),
                "--teacher-url", "http://127.0.0.1:9/v1", "--out", tmp.resolve("o").toString());
        assertEquals(1, missing.exit());
        assertTrue(missing.err().startsWith("imagine run: ") && missing.err().contains("nope.jsonl"), missing.err());
        assertFalse(missing.err().contains("\tat "), "no stack trace");

        CliTest.Run badUrl = CliTest.run("mas", "run", "--queries", "x", "--teacher-url", "ftp://h/v1", "--out", "o");
        assertEquals(1, badUrl.exit());
        assertTrue(badUrl.err().contains("teacher URL must be http"), badUrl.err());

        CliTest.Run noTraces = CliTest.run("traces", "stats", tmp.resolve("none").toString());
        assertEquals(1, noTraces.exit());
        assertTrue(noTraces.err().contains("none"), noTraces.err());
    }

    @Test
    void teacherServeAnswersForAWhile() {
        CliTest.Run serve = CliTest.run("teacher", "serve", "--port", "0", "--for-seconds", "1");
        assertEquals(0, serve.exit(), serve.err());
        assertTrue(serve.out().contains("serving the OpenAI API at http://127.0.0.1:"), serve.out());
    }
}
