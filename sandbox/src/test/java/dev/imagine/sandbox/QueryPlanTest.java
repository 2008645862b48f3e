package dev.imagine.sandbox;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QueryPlanTest {
    static InputStream resource(String name) {
        InputStream in = QueryPlanTest.class.getResourceAsStream("/travelplanner/" + name);
        if (in == null) throw new IllegalStateException("missing test resource " + name);
        try {
            return name.endsWith(".gz") ? new java.util.zip.GZIPInputStream(in) : in;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void queriesRoundTripInTheOfficialFormat() throws IOException {
        byte[] bytes = resource("train/queries.jsonl").readAllBytes();
        List<Query> queries = Queries.read("train/queries.jsonl", new ByteArrayInputStream(bytes));
        assertEquals(45, queries.size());
        String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n");
        for (int i = 0; i < queries.size(); i++) assertEquals(lines[i], queries.get(i).toJson(), "line " + (i + 1));
        Query q = queries.getFirst();
        assertEquals("St. Petersburg", q.org());
        assertEquals(List.of("Rockford"), q.routeOrDefault());
        assertEquals(new Query.Leg("Rockford", "St. Petersburg", "2022-03-18"), q.legsOrDefault().getLast());
    }

    @Test
    void huggingFaceLayoutWithPythonLiteralFieldsIsAccepted() throws IOException {
        String hf = "{\"org\": \"Sarasota\", \"dest\": \"Chicago\", \"days\": 3, \"visiting_city_number\": 1, "
                + "\"date\": \"['2022-03-22', '2022-03-23', '2022-03-24']\", \"people_number\": 2, "
                + "\"local_constraint\": \"{'house rule': None, 'cuisine': ['Chinese', 'Italian'], 'room type': 'entire room', 'transportation': None}\", "
                + "\"budget\": 1900, \"query\": \"q\", \"level\": \"medium\"}\n";
        Query q = Queries.read("hf.jsonl", new ByteArrayInputStream(hf.getBytes(StandardCharsets.UTF_8))).getFirst();
        assertEquals(List.of("2022-03-22", "2022-03-23", "2022-03-24"), q.date());
        assertEquals(List.of("Chinese", "Italian"), q.cuisine());
        assertEquals("entire room", q.roomType());
        assertEquals(null, q.houseRule());
    }

    @Test
    void badQueriesNameFileLineAndField() {
        String text = "{\"org\": \"A\"}\n";
        var e = assertThrows(SandboxException.class,
                () -> Queries.read("q.jsonl", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))));
        assertTrue(e.getMessage().startsWith("q.jsonl line 1: field 'local_constraint'"), e.getMessage());
        String days = "{\"org\": \"A\", \"dest\": \"B\", \"days\": \"three\", \"level\": \"easy\", \"date\": [\"2022-03-01\"], \"local_constraint\": {}}\n";
        var e2 = assertThrows(SandboxException.class,
                () -> Queries.read("q.jsonl", new ByteArrayInputStream(days.getBytes(StandardCharsets.UTF_8))));
        assertTrue(e2.getMessage().contains("line 1: field 'days' must be an integer"), e2.getMessage());
    }

    @Test
    void modelOutputIsParsedAfterThinkTolerantOfFencesAndTrailingText() {
        String day = "{\"days\": 1, \"current_city\": \"from A to B\", \"transportation\": \"-\", \"breakfast\": \"-\", "
                + "\"attraction\": \"-\", \"lunch\": \"-\", \"dinner\": \"-\", \"accommodation\": \"-\"}";
        ModelOutput ok = ModelOutput.parse("<think>Wait, let me check the budget.</think>\n```json\n[" + day + "]\n```\nDone.");
        assertTrue(ok.formatOk(), ok.error());
        assertEquals("Wait, let me check the budget.", ok.reasoning());
        assertEquals("from A to B", ((Map<?, ?>) ok.plan().days().getFirst()).get("current_city"));
        assertFalse(ModelOutput.parse("[" + day + "]").formatOk());                       // no </think>
        assertFalse(ModelOutput.parse("<think>x</think> [{\"days\": 1}]").formatOk());      // missing keys
        assertFalse(ModelOutput.parse("<think>x</think> [ {\"days\": 1, ").formatOk());      // truncated JSON
        assertTrue(ModelOutput.parse("<think>x</think>{\"plan\": [" + day + "]} trailing").formatOk());
    }
}
