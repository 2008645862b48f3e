package dev.imagine.mas;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The built-in Reasoner's step-by-step reasoning: restates the query's requirements, then walks the plan
 * day by day (travel, meals, sights, stay), the way a reasoning model drafts a TravelPlanner plan.
 */
final class PlanNarration {
    private PlanNarration() {
    }

    static String narrate(JsonNode query, JsonNode plan) {
        StringBuilder s = new StringBuilder();
        int people = query.path("people_number").asInt(1);
        s.append(String.format(Locale.ROOT, "The trip starts and ends in %s, lasts %d days (%s) for %d %s, visits %d %s in %s, with a budget of $%d.%n",
                query.path("org").asText("?"), query.path("days").asInt(plan.size()), dates(query), people,
                people == 1 ? "person" : "people", query.path("visiting_city_number").asInt(1),
                query.path("visiting_city_number").asInt(1) == 1 ? "city" : "cities", query.path("dest").asText("?"),
                query.path("budget").asInt()));
        List<String> constraints = new ArrayList<>();
        JsonNode local = query.path("local_constraint");
        for (String key : List.of("house rule", "cuisine", "room type", "transportation")) {
            JsonNode v = local.path(key);
            if (v.isNull() || v.isMissingNode()) continue;
            constraints.add(key + ": " + (v.isArray() ? join(v) : v.asText()));
        }
        s.append(constraints.isEmpty() ? "There are no local constraints.\n" : "Local constraints: " + String.join("; ", constraints) + ".\n");
        s.append("I pick transport, restaurants, attractions and accommodations only from the reference information, ")
                .append("keep every restaurant and attraction distinct, respect each accommodation's minimum nights, and keep the total within the budget.\n");
        for (JsonNode day : plan) {
            s.append(String.format(Locale.ROOT, "%nDay %d (%s):", day.path("days").asInt(), day.path("current_city").asText("-")));
            String transport = day.path("transportation").asText("-");
            if (!transport.equals("-")) s.append(" I travel by ").append(transport).append('.');
            for (String meal : List.of("breakfast", "lunch", "dinner")) {
                String v = day.path(meal).asText("-");
                if (!v.equals("-")) s.append(' ').append(capital(meal)).append(" at ").append(v).append('.');
            }
            String sights = day.path("attraction").asText("-");
            if (!sights.equals("-")) s.append(" I visit ").append(sights.replaceAll(";\\s*$", "").replace(";", " and ")).append('.');
            String stay = day.path("accommodation").asText("-");
            s.append(stay.equals("-") ? " No accommodation is needed tonight." : " I stay at " + stay + ".");
        }
        s.append("\n\nEvery day is covered, so the plan is complete.");
        return s.toString();
    }

    private static String dates(JsonNode query) {
        JsonNode d = query.path("date");
        if (!d.isArray() || d.isEmpty()) return "dates not given";
        return d.get(0).asText() + " to " + d.get(d.size() - 1).asText();
    }

    private static String join(JsonNode array) {
        List<String> parts = new ArrayList<>();
        array.forEach(v -> parts.add(v.asText()));
        return String.join(", ", parts);
    }

    private static String capital(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
