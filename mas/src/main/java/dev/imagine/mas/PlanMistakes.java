package dev.imagine.mas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Deliberate mistakes the built-in Reasoner makes, so that Judges and the Reflector have work: each is a
 * kind of error real LLM planners make (TravelPlanner paper §5) and one the evaluator catches.
 */
final class PlanMistakes {
    private PlanMistakes() {
    }

    /** Applies one mistake that fits the plan, chosen by {@code random}; returns its description. */
    static String apply(ArrayNode plan, Random random) {
        List<String> names = new ArrayList<>();
        List<Consumer<ArrayNode>> edits = new ArrayList<>();
        int days = plan.size();
        for (int d = 0; d < days; d++) {
            ObjectNode day = (ObjectNode) plan.get(d);
            int dayNumber = d + 1;
            if (real(day, "breakfast") && real(day, "dinner")) {
                names.add("repeated restaurant on day " + dayNumber);
                edits.add(p -> ((ObjectNode) p.get(dayNumber - 1)).put("dinner", day.get("breakfast").asText()));
            }
            if (real(day, "accommodation") && d < days - 1) {
                names.add("hallucinated accommodation on day " + dayNumber);
                String city = cityOf(day.get("accommodation").asText());
                edits.add(p -> ((ObjectNode) p.get(dayNumber - 1)).put("accommodation", "Grand Harbour Palace Hotel, " + city));
            }
            String transport = day.path("transportation").asText("-");
            if (transport.startsWith("Flight Number: ")) {
                names.add("hallucinated flight on day " + dayNumber);
                edits.add(p -> ((ObjectNode) p.get(dayNumber - 1)).put("transportation", transport.replaceFirst("Flight Number: [A-Za-z0-9]+", "Flight Number: F0000000")));
            }
        }
        if (days >= 3) {
            names.add("return day dropped");
            edits.add(p -> p.remove(p.size() - 1));
        }
        if (edits.isEmpty()) return null;
        int k = random.nextInt(edits.size());
        edits.get(k).accept(plan);
        return names.get(k);
    }

    private static boolean real(JsonNode day, String key) {
        String v = day.path(key).asText("-").strip();
        return !v.isEmpty() && !v.equals("-");
    }

    /** "Name, City" → "City" (the text after the last comma). */
    static String cityOf(String nameCity) {
        int comma = nameCity.lastIndexOf(',');
        return comma < 0 ? nameCity : nameCity.substring(comma + 1).strip();
    }
}
