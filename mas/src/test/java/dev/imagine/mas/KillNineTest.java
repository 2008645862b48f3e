package dev.imagine.mas;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real kill -9 of a writing process: finished parts survive intact, a re-run completes without duplicates. */
@Timeout(120)
class KillNineTest {
    @TempDir
    Path dir;

    private Process writer(int from, int to, long delayMs) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "--add-opens=java.base/java.nio=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), TraceWriterMain.class.getName(),
                dir.toString(), Integer.toString(from), Integer.toString(to), Long.toString(delayMs));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolveSibling(dir.getFileName() + ".log").toFile()).start();
    }

    @Test
    void killedWriterLosesOnlyRowsInFlight() throws Exception {
        int n = 160;
        Process p = writer(0, n, 3);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (p.isAlive() && (!Files.isDirectory(dir) || TracePart.list(dir).size() < 10) && System.nanoTime() < deadline) Thread.sleep(10);
        assertTrue(p.isAlive(), "the writer was still writing when killed (log: " + dir.resolveSibling(dir.getFileName() + ".log") + ")");
        p.destroyForcibly();   // SIGKILL: no shutdown hooks, no close()
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, p.exitValue(), "killed by SIGKILL");

        List<TraceRow> survived = TraceReader.readAll(dir);   // every finished part reads back
        assertTrue(survived.size() >= 10 && survived.size() < n, "rows after the kill: " + survived.size());
        assertEquals(survived.size(), survived.stream().map(TraceRow::queryId).distinct().count());
        for (TraceRow r : survived) assertEquals(TraceRows.sample(Integer.parseInt(r.queryId().substring(1))), r);

        Process resume = writer(0, n, 0);
        assertTrue(resume.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, resume.exitValue());
        List<TraceRow> all = new ArrayList<>(TraceReader.readAll(dir));
        all.sort(Comparator.comparingInt(r -> Integer.parseInt(r.queryId().substring(1))));
        assertEquals(n, all.size());
        for (int i = 0; i < n; i++) assertEquals(TraceRows.sample(i), all.get(i));
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(TracePart::isTemp), "no temp files after a clean run");
        }
        assertTrue(new File(dir.toFile(), ".lock").exists());
    }
}
