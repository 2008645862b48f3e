package dev.imagine.mas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A stand-in for the sandbox in teacher tests: the correct plan is a fixed 3-day plan for the query's
 * org/dest, and a plan passes when it equals it (the reason names the first differing day).
 */
final class FakeBackend implements TeacherBackend {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String correctPlan(JsonNode q) {
        String org = q.path("org").asText();
        String dest = q.path("dest").asText();
        return "[{\"days\":1,\"current_city\":\"from " + org + " to " + dest + "\",\"transportation\":\"Flight Number: F123, from " + org + " to " + dest
                + "\",\"breakfast\":\"-\",\"attraction\":\"-\",\"lunch\":\"-\",\"dinner\":\"Cafe A, " + dest + "\",\"accommodation\":\"Inn B, " + dest + "\"},"
                + "{\"days\":2,\"current_city\":\"" + dest + "\",\"transportation\":\"-\",\"breakfast\":\"Cafe C, " + dest + "\",\"attraction\":\"Park D, " + dest
                + ";\",\"lunch\":\"Cafe E, " + dest + "\",\"dinner\":\"Cafe F, " + dest + "\",\"accommodation\":\"Inn B, " + dest + "\"},"
                + "{\"days\":3,\"current_city\":\"from " + dest + " to " + org + "\",\"transportation\":\"Flight Number: F456, from " + dest + " to " + org
                + "\",\"breakfast\":\"Cafe G, " + dest + "\",\"attraction\":\"Museum H, " + dest + ";\",\"lunch\":\"-\",\"dinner\":\"-\",\"accommodation\":\"-\"}]";
    }

    @Override
    public PlanScore score(JsonNode q, String planJson) {
        try {
            JsonNode plan = planJson == null ? null : JSON.readTree(planJson);
            if (plan == null || !plan.isArray() || plan.isEmpty()) return new PlanScore(false, false, false, false, 0, 13, "{}");
            JsonNode correct = JSON.readTree(correctPlan(q));
            for (int d = 0; d < correct.size(); d++) {
                if (d >= plan.size() || !correct.get(d).equals(plan.get(d)))
                    return new PlanScore(true, false, true, false, 12, 13,
                            "{\"commonsense\":{\"is_valid_information_in_sandbox\":[false,\"day " + (d + 1) + " differs\"]},\"hard\":{}}");
            }
            return new PlanScore(true, true, true, true, 13, 13, "{\"commonsense\":{},\"hard\":{}}");
        } catch (Exception e) {
            return new PlanScore(true, false, false, false, 0, 13, "{\"error\":\"unparseable\"}");
        }
    }

    /** As the orchestrator's scorer. */
    PlanScore score(MasQuery q, String planJson) {
        try {
            return score(JSON.readTree(q.queryJson()), planJson);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
