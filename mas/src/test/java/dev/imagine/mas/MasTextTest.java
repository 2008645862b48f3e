package dev.imagine.mas;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Prompts, verdicts, plan extraction and the IMAGINE training text. */
class MasTextTest {
    @TempDir
    Path tmp;

    @Test
    void trainingTextHasImaginesMarkersInsideQwen3sThinkBlock() {
        TraceAssembler.Text t = TraceAssembler.assemble("Plan my trip.", "I reason.", "Day 2 repeats a restaurant; fixed.", "[{\"days\":1}]");
        assertEquals("<|im_start|>user\nPlan my trip.<|im_end|>\n<|im_start|>assistant\n", t.prompt());
        assertEquals(t.prompt() + "<think>\nI reason.\n\n"
                + "REFLECTION(Now, I need to reflect on whether there are any errors in my reasoning above):\n"
                + "Day 2 repeats a restaurant; fixed.\n\n"
                + "The reflection is over, now IMMEDIATELY output the final answer!\n</think>\n\n"
                + "[{\"days\":1}]<|im_end|>\n", t.full());
        TraceAssembler.Text clean = TraceAssembler.assemble("Q", "R", null, "[]");
        assertTrue(clean.full().contains("):\nNo errors.\n\nThe reflection is over"), clean.full());
    }

    @Test
    void verdicts() {
        assertEquals(Verdict.ERRORS_EXIST, Verdict.parse("Errors exist."));
        assertEquals(Verdict.NO_ERRORS, Verdict.parse("  no errors.\n"));
        assertEquals(Verdict.UNCLEAR, Verdict.parse("Maybe."));
        assertEquals(Verdict.UNCLEAR, Verdict.parse("No errors? Errors exist."));
        assertTrue(Verdict.UNCLEAR.flagsErrors(), "an unclear judge sends the plan to the Reflector");
    }

    @Test
    void findsTheLastPlanInAnAnswer() {
        PlanText.Found f = PlanText.find("Day 1 fails [see rule 3].\n```json\n[{\"days\": 1, \"x\": \"a [b]\"}]\n```\n");
        assertEquals("[{\"days\":1,\"x\":\"a [b]\"}]", f.planJson());
        assertEquals("Day 1 fails [see rule 3].", f.prose());
        assertEquals("[{\"days\":2}]", PlanText.find("first [{\"days\":1}] then [{\"days\":2}]").planJson());
        assertNull(PlanText.find("no plan here [1, 2]"));
        assertNull(PlanText.find("broken [{\"days\": "));
    }

    @Test
    void promptsFillPlaceholdersAndCanBeOverridden() throws Exception {
        Map<String, String> values = Map.of("query", "Q1", "query_json", "{}", "reference_information", "{\"r\":1}", "plan", "[]",
                "reasoning", "because");
        List<ChatMessage> builtIn = RolePrompts.load(null).messages(Role.JUDGE, values);
        assertTrue(builtIn.getFirst().content().startsWith("You are a Judge"));
        assertTrue(builtIn.get(1).content().contains("Query: Q1") && builtIn.get(1).content().contains("Plan (JSON): []"));

        Files.writeString(tmp.resolve("judge.system.txt"), "Strict judge. Query was {{query}}.");
        List<ChatMessage> custom = RolePrompts.load(tmp).messages(Role.JUDGE, values);
        assertEquals("Strict judge. Query was Q1.", custom.getFirst().content());
        assertEquals(builtIn.get(1), custom.get(1), "files not overridden keep the built-in text");

        Files.writeString(tmp.resolve("reasoner.user.txt"), "{{nonsense}}");
        MasException e = assertThrows(MasException.class, () -> RolePrompts.load(tmp));
        assertTrue(e.getMessage().contains("reasoner.user.txt") && e.getMessage().contains("nonsense"), e.getMessage());
        assertThrows(MasException.class, () -> RolePrompts.load(tmp.resolve("missing")));
    }

    @Test
    void queryFilesNameTheLineOfABadQuery() throws Exception {
        Path f = tmp.resolve("q.jsonl");
        Files.writeString(f, "{\"query\": \"a\", \"reference_information\": {\"k\": 1}}\n\n{\"query\": 3}\n");
        MasException e = assertThrows(MasException.class, () -> QueryFile.read(f, null));
        assertTrue(e.getMessage().contains("q.jsonl:3") && e.getMessage().contains("\"query\""), e.getMessage());
        Files.writeString(f, "{\"idx\": 7, \"query\": \"a\", \"reference_information\": {\"k\": 1}}\n{\"idx\": 7, \"query\": \"b\", \"reference_information\": \"x\"}\n");
        e = assertThrows(MasException.class, () -> QueryFile.read(f, null));
        assertTrue(e.getMessage().contains("already on line 1"), e.getMessage());
        Files.writeString(f, "{\"query\": \"a\", \"reference_information\": {\"k\": 1}}\n");
        MasQuery q = QueryFile.read(f, null).getFirst();
        assertTrue(q.id().matches("q-[0-9a-f]{16}"), q.id());
        assertEquals("{\"k\":1}", q.referenceInfo());
        assertEquals("{\"query\":\"a\"}", q.queryJson());
    }
}
