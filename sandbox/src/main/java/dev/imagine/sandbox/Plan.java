package dev.imagine.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A plan as the official evaluator receives it: the JSON value of a submission's {@code "plan"} field,
 * usually a list of day dicts ({@code days, current_city, transportation, breakfast, attraction, lunch,
 * dinner, accommodation}), kept as parsed (Map / List / String / Number / Boolean / null) so that malformed
 * plans are judged exactly as Python would judge them. {@code []} and {@code null} are "not delivered".
 *
 * <pre>{@code
 * Plan p = Plan.parseJson("[{\"days\": 1, \"current_city\": \"from A to B\", ...}]");
 * Plan q = Plan.ofDays(List.of(new PlanDay(1, "from A to B", "Flight Number: F1, from A to B", "-", "-", "-", "X, B", "Y, B")));
 * }</pre>
 */
public final class Plan {
    private final Object raw;

    private Plan(Object raw) {
        this.raw = raw;
    }

    /** Wraps an already parsed JSON value (Map/List/String/Number/Boolean/null). */
    public static Plan of(Object raw) {
        return new Plan(raw);
    }

    /** A plan built from typed days. */
    public static Plan ofDays(List<PlanDay> days) {
        List<Object> out = new ArrayList<>(days.size());
        for (PlanDay d : days) out.add(d.toMap());
        return new Plan(out);
    }

    /** Parses the JSON text of a plan (the value of "plan"). */
    public static Plan parseJson(String json) {
        try {
            return new Plan(Queries.JSON.readValue(json, Object.class));
        } catch (JsonProcessingException e) {
            throw new SandboxException("plan is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** The parsed JSON value. */
    public Object raw() {
        return raw;
    }

    /** eval.py's {@code if tested_plan['plan']:} (Python truthiness). */
    public boolean delivered() {
        return Py.truthy(raw);
    }

    /** The day entries if the plan is a list, else an empty list. */
    public List<?> days() {
        return raw instanceof List<?> list ? list : List.of();
    }

    /** The plan as JSON (Python json.dumps layout). */
    public String toJson() {
        return PyJson.dumps(raw);
    }

    @Override
    public String toString() {
        return toJson();
    }

    /** True if every entry is a dict holding all eight official keys, or {} padding (the reward's format check). */
    public boolean hasOfficialStructure() {
        if (!(raw instanceof List<?> list) || list.isEmpty()) return false;
        for (Object day : list) {
            if (!(day instanceof Map<?, ?> m)) return false;
            if (!m.isEmpty() && !m.keySet().containsAll(KEYS)) return false;   // {} padding is official
        }
        return true;
    }

    /** The eight keys of an official day dict. */
    public static final Collection<String> KEYS = List.of("days", "current_city", "transportation", "breakfast",
            "attraction", "lunch", "dinner", "accommodation");
}
