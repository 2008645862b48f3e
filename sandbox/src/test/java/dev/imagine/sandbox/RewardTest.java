package dev.imagine.sandbox;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RewardTest {
    private final Evaluator evaluator = new Evaluator(Database.builtIn());

    @Test
    void imagineRewardOfAPassingPlanWithAndWithoutReflection() throws IOException {
        List<Query> queries = Queries.read("train/queries.jsonl", QueryPlanTest.resource("train/queries.jsonl"));
        List<PlanRow> plans = Plans.read("annotated", QueryPlanTest.resource("train/annotated_plans.jsonl"));
        Query q = queries.get(30);   // a hard query: budget + 3 local constraints
        String plan = plans.get(30).plan().toJson();
        Reward reflective = Reward.score(evaluator, q, "<think>Plan the legs. Wait, let me check the budget.</think>\n" + plan,
                RewardConfig.imagine());
        assertTrue(reflective.formatOk());
        assertEquals(1.0, reflective.commonsenseFraction());
        assertEquals(4, reflective.hardApplicable());
        assertEquals(4, reflective.hardMet());
        assertEquals(2.5, reflective.total(), 1e-12);
        Reward flat = Reward.score(evaluator, q, "<think>Plan the legs.</think>```json\n" + plan + "\n```", RewardConfig.imagine());
        assertEquals(1.5, flat.total(), 1e-12);
        assertFalse(flat.reflection());
    }

    @Test
    void formatFailuresScoreMinusOneAndMalformedPlansNeverCrash() throws IOException {
        Query q = Queries.read("train/queries.jsonl", QueryPlanTest.resource("train/queries.jsonl")).getFirst();
        assertEquals(-1.0, Reward.score(evaluator, q, "no think block [ ]", RewardConfig.imagine()).total());
        assertEquals(-1.0, Reward.score(evaluator, q, "<think>x</think> not json", RewardConfig.imagine()).total());
        // every key present but current_city None: the official code raises; we score it as failures
        String day = "{\"days\": 1, \"current_city\": null, \"transportation\": \"-\", \"breakfast\": \"-\", "
                + "\"attraction\": \"-\", \"lunch\": \"-\", \"dinner\": \"-\", \"accommodation\": \"-\"}";
        Reward r = Reward.score(evaluator, q, "<think>x</think>[" + day + "]", RewardConfig.imagine());
        assertTrue(r.formatOk());
        assertTrue(r.evaluation().error().startsWith("commonsense: TypeError"), r.evaluation().error());
        assertTrue(r.commonsenseFraction() < 1.0);
        assertEquals(r.total(), (double) r.parts().get("total"));
    }
}
