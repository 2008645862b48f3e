package dev.imagine.sandbox;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seeded random corruption of the built-in plans (values of every JSON type, missing keys, {} and non-dict
 * days, non-list plans): the evaluator must never throw; where the official code would raise, the error is
 * recorded and the affected constraints count as failed.
 */
class MalformedPlansTest {
    private static final List<Object> ODD_VALUES = java.util.Arrays.asList(null, 0, 7, 1.5, true, false, "", "-", "x",
            "from", "Flight Number: F1", "flight number: F1", "Taxi", "Self-driving", "A, B;C", ";", "(", "a(b)c, d(e)",
            List.of(), List.of("from"), Map.of(), Map.of("k", "v"));

    @Test
    void evaluatorNeverThrowsOnCorruptedPlans() {
        Evaluator evaluator = new Evaluator(Database.builtIn());
        List<Query> queries = Examples.trainQueries();
        List<PlanRow> plans = Examples.trainPlans();
        Random random = new Random(20240601L);
        int raised = 0;
        for (int trial = 0; trial < 2000; trial++) {
            PlanRow row = plans.get(random.nextInt(plans.size()));
            Object corrupted = corrupt(deepCopy(row.plan().raw()), random);
            Evaluation e = evaluator.evaluate(queries.get(row.queryIdx()), Plan.of(corrupted));
            assertNotNull(e);
            if (!e.delivered()) continue;
            assertEquals(13, e.perFunction().size());
            for (String name : Evaluation.COMMONSENSE) assertNotNull(e.effective(name).value());
            if (e.error() != null) {
                raised++;
                assertTrue(e.commonsense() == null || e.hard() == null);
            }
        }
        assertTrue(raised > 50, "the corruption reaches the raising paths: " + raised);
    }

    static Object deepCopy(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put((String) k, deepCopy(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object x : l) out.add(deepCopy(x));
            return out;
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    static Object corrupt(Object plan, Random random) {
        if (random.nextInt(40) == 0) return deepCopy(ODD_VALUES.get(random.nextInt(ODD_VALUES.size())));   // not a list at all
        if (!(plan instanceof List<?> list) || list.isEmpty()) return plan;
        List<Object> days = (List<Object>) list;
        int edits = 1 + random.nextInt(3);
        for (int k = 0; k < edits; k++) {
            int d = random.nextInt(days.size());
            switch (random.nextInt(6)) {
                case 0 -> days.set(d, deepCopy(ODD_VALUES.get(random.nextInt(ODD_VALUES.size()))));   // a non-dict day
                case 1 -> days.add(d, new LinkedHashMap<>());                               // {} inside
                default -> {
                    if (!(days.get(d) instanceof Map<?, ?> m) || m.isEmpty()) continue;
                    Map<String, Object> day = (Map<String, Object>) m;
                    List<String> keys = new ArrayList<>(day.keySet());
                    String key = keys.get(random.nextInt(keys.size()));
                    if (random.nextInt(4) == 0) day.remove(key);
                    else day.put(key, deepCopy(ODD_VALUES.get(random.nextInt(ODD_VALUES.size()))));
                }
            }
        }
        return days;
    }
}
