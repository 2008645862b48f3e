package dev.imagine.mas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A fake teacher for the fault-injection tests (the real one is TeacherServer): the Reasoner's plan is
 * "bad" for queries whose number is odd, the Judge says so, the Reflector fixes it. Queries whose text
 * contains "poison" are refused with HTTP 400 by {@link #faults}.
 */
final class ScriptedTeacher {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ScriptedTeacher() {
    }

    static String answer(String requestBody) {
        try {
            JsonNode request = JSON.readTree(requestBody);
            String model = request.path("model").asText();
            String user = request.path("messages").path(1).path("content").asText();
            return switch (model) {
                case MasConfig.REASONER_MODEL -> {
                    int n = Integer.parseInt(user.replaceAll("(?s)^Query: query (\\d+).*$", "$1"));
                    String mark = n % 2 == 1 ? "bad" : "good";
                    yield FaultyServer.completion("Here is the plan.\n```json\n[{\"days\": 1, \"mark\": \"" + mark + "\", \"q\": " + n + "}]\n```",
                            "Step 1: think about query " + n + ".");
                }
                case MasConfig.JUDGE_MODEL -> FaultyServer.completion(user.contains("\"bad\"") ? "Errors exist." : "No errors.", null);
                case MasConfig.REFLECTOR_MODEL -> {
                    String plan = user.replaceAll("(?s)^.*Plan \\(JSON\\): (\\[.*?])\\n.*$", "$1").replace("\"bad\"", "\"good\"");
                    yield FaultyServer.completion("<think>checking</think>The mark was bad; it must be good.\n```json\n" + plan + "\n```", null);
                }
                default -> throw new IllegalArgumentException("unknown model " + model);
            };
        } catch (Exception e) {
            return "{\"error\": \"" + e.getMessage() + "\"}";
        }
    }

    /** Scores a plan "passing" when its mark is good. */
    static PlanScore score(MasQuery q, String planJson) {
        boolean good = planJson != null && planJson.contains("\"good\"");
        return new PlanScore(planJson != null, good, true, good, good ? 13 : 12, 13, "{}");
    }
}
