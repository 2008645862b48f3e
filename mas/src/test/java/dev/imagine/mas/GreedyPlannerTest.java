package dev.imagine.mas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GreedyPlannerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static List<String> lines(String resource, boolean gz) throws Exception {
        var in = GreedyPlannerTest.class.getResourceAsStream(resource);
        try (var r = new BufferedReader(new InputStreamReader(gz ? new GZIPInputStream(in) : in, StandardCharsets.UTF_8))) {
            return r.lines().toList();
        }
    }

    @Test
    void plansTheDemoQueriesWithinBudget() throws Exception {
        List<String> queries = lines("/dev/imagine/mas/demo/queries.jsonl", false);
        List<String> refs = lines("/dev/imagine/mas/demo/reference_information.jsonl.gz", true);
        assertEquals(queries.size(), refs.size());
        for (int i = 0; i < queries.size(); i++) {
            JsonNode q = JSON.readTree(queries.get(i));
            JsonNode ref = JSON.readTree(refs.get(i));
            JsonNode plan = JSON.readTree(GreedyPlanner.plan(q, ref));
            assertEquals(q.path("days").asInt(), plan.size());
            double cost = GreedyPlanner.cost((com.fasterxml.jackson.databind.node.ArrayNode) plan, q, ref);
            assertTrue(cost > 0 && cost <= q.path("budget").asDouble(), q.path("idx") + ": cost " + cost + " budget " + q.path("budget"));
            assertTrue(plan.get(0).path("current_city").asText().startsWith("from " + q.path("org").asText() + " to "));
            assertTrue(plan.get(plan.size() - 1).path("current_city").asText().endsWith(" to " + q.path("org").asText()));
            assertEquals("-", plan.get(plan.size() - 1).path("accommodation").asText());
        }
    }
}
