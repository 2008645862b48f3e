package dev.imagine.mas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Finds the plan in a teacher's answer: the last JSON array in it (inside a ```json block or bare),
 * returned compact. What precedes the plan is the answer's prose (the reflection, for the Reflector).
 */
public final class PlanText {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PlanText() {
    }

    /** A plan found in an answer: the compact JSON and the prose before it. */
    public record Found(String planJson, String prose) {
    }

    /** The last parseable JSON array in {@code answer}, or null if there is none. */
    public static Found find(String answer) {
        if (answer == null) return null;
        // Try every '[' from the end: the first that starts a complete JSON array is the last plan.
        for (int start = answer.lastIndexOf('['); start >= 0; start = start == 0 ? -1 : answer.lastIndexOf('[', start - 1)) {
            try (var parser = JSON.createParser(answer.substring(start))) {
                JsonNode node = JSON.readTree(parser);
                if (node == null || !node.isArray()) continue;
                if (!node.isEmpty() && !node.get(0).isObject()) continue;   // "[1]" or "[see above]" is not a plan
                String prose = answer.substring(0, start);
                int fence = prose.lastIndexOf("```");
                if (fence >= 0 && prose.substring(fence).strip().matches("```(json)?")) prose = prose.substring(0, fence);
                return new Found(JSON.writeValueAsString(node), prose.strip());
            } catch (JsonProcessingException notHere) {
                // keep looking further left
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return null;
    }
}
