package dev.imagine.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code imagine queries generate} → {@code imagine plan --planner exact} → {@code imagine eval}, in-process. */
class QueriesPlanCommandTest {
    @Test
    void generatePlanEvaluate(@TempDir Path dir) throws IOException {
        Path q = dir.resolve("q.jsonl"), p = dir.resolve("p.jsonl");
        CliTest.Run gen = CliTest.run("queries", "generate", "--count", "6", "--seed", "3", "--out", q.toString(),
                "--infeasible-fraction", "0.5");
        assertEquals(0, gen.exit(), gen.err());
        assertTrue(gen.out().contains("wrote 6 queries"), gen.out());
        List<String> lines = Files.readAllLines(q);
        assertEquals(6, lines.size());
        long infeasible = lines.stream().filter(l -> l.contains("\"feasible\": false")).count();

        CliTest.Run plan = CliTest.run("plan", "--planner", "exact", "--queries", q.toString(), "--out", p.toString());
        assertEquals(0, plan.exit(), plan.err());
        assertTrue(plan.out().contains("queries 6: feasible " + (6 - infeasible) + ", infeasible " + infeasible), plan.out());
        assertTrue(plan.out().contains("p95"), plan.out());
        assertEquals(6, Files.readAllLines(p).size());

        CliTest.Run eval = CliTest.run("eval", "--queries", q.toString(), "--plans", p.toString());
        assertEquals(0, eval.exit(), eval.err());
        // the feasible plans pass everything, the infeasible queries get no plan: final pass = feasible share
        String expected = String.format("%.1f%%", 100.0 * (6 - infeasible) / 6);
        assertTrue(eval.out().lines().anyMatch(l -> l.startsWith("exact") && l.trim().endsWith(expected)), eval.out());
    }

    @Test
    void badArgumentsGiveOneLine(@TempDir Path dir) {
        CliTest.Run bad = CliTest.run("plan", "--planner", "greedy", "--queries", dir.resolve("none.jsonl").toString(),
                "--out", dir.resolve("p.jsonl").toString());
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains("unknown planner 'greedy'"), bad.err());
        CliTest.Run missing = CliTest.run("plan", "--queries", dir.resolve("none.jsonl").toString(), "--out", dir.resolve("p.jsonl").toString());
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("no such file"), missing.err());
        CliTest.Run fraction = CliTest.run("queries", "generate", "--count", "1", "--out", dir.resolve("q.jsonl").toString(),
                "--infeasible-fraction", "2");
        assertEquals(1, fraction.exit());
        assertTrue(fraction.err().contains("infeasible fraction"), fraction.err());
    }
}
