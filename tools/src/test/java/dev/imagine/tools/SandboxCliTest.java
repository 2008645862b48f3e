package dev.imagine.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagine.sandbox.Examples;
import dev.imagine.sandbox.PlanRow;
import dev.imagine.sandbox.PyJson;
import dev.imagine.sandbox.Queries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SandboxCliTest {
    @TempDir
    Path dir;

    private Path writeExamples() throws IOException {
        Path queries = dir.resolve("queries.jsonl");
        Queries.write(queries, Examples.trainQueries());
        List<String> lines = new ArrayList<>();
        for (PlanRow row : Examples.trainPlans()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("query_idx", row.queryIdx());
            m.put("variant", row.variant());
            m.put("plan", row.plan().raw());
            lines.add(PyJson.dumps(m));
        }
        Files.write(dir.resolve("plans.jsonl"), lines);
        return queries;
    }

    @Test
    void evalPrintsMetricsPerFamilyAndWritesDetails() throws IOException {
        Path queries = writeExamples();
        Path details = dir.resolve("details.jsonl");
        CliTest.Run run = CliTest.run("eval", "--queries", queries.toString(), "--plans", dir.resolve("plans.jsonl").toString(),
                "--details", details.toString(), "--json");
        assertEquals(0, run.exit(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals(1.0, json.get("families").get("annotated").get("metrics").get("Final Pass Rate").doubleValue());
        assertTrue(json.get("families").get("none_current_city").get("metrics").isNull());
        List<String> rows = Files.readAllLines(details);
        assertEquals(450, rows.size());
        JsonNode first = new ObjectMapper().readTree(rows.getFirst());
        assertEquals(List.of(true, "null"), List.of(first.get("commonsense").get("is_not_absent").get(0).booleanValue(),
                first.get("commonsense").get("is_not_absent").get(1).toString()));

        CliTest.Run table = CliTest.run("eval", "--queries", queries.toString(), "--plans", dir.resolve("plans.jsonl").toString());
        assertEquals(0, table.exit(), table.err());
        assertTrue(table.out().contains("annotated"), table.out());
        assertTrue(table.out().contains("raises"), table.out());
    }

    @Test
    void refinfoWritesOneOfficialLinePerQuery() throws IOException {
        Path queries = writeExamples();
        Path out = dir.resolve("ref.jsonl");
        CliTest.Run run = CliTest.run("refinfo", "--queries", queries.toString(), "--out", out.toString());
        assertEquals(0, run.exit(), run.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals(45, lines.size());
        assertTrue(lines.getFirst().startsWith("{\"Attractions in Rockford\": [{\"Name\": \"Burpee Museum of Natural History\""));
    }

    @Test
    void badInputGivesOneLineNamingFileLineAndField() throws IOException {
        Path queries = writeExamples();
        Path plans = dir.resolve("bad.jsonl");
        Files.writeString(plans, "{\"query_idx\": 0, \"plan\": []}\n{\"query_idx\": \"x\", \"plan\": []}\n");
        CliTest.Run run = CliTest.run("eval", "--queries", queries.toString(), "--plans", plans.toString());
        assertEquals(1, run.exit());
        assertTrue(run.err().contains("bad.jsonl line 2: field 'query_idx'"), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());

        Path badQueries = dir.resolve("q.jsonl");
        Files.writeString(badQueries, "{not json\n");
        CliTest.Run q = CliTest.run("eval", "--queries", badQueries.toString(), "--plans", plans.toString());
        assertEquals(1, q.exit());
        assertTrue(q.err().contains("q.jsonl line 1: not valid JSON"), q.err());

        CliTest.Run db = CliTest.run("eval", "--queries", queries.toString(), "--plans", plans.toString(), "--database", dir.resolve("nope").toString());
        assertEquals(1, db.exit());
        assertTrue(db.err().contains("database folder not found"), db.err());
    }
}
