package dev.imagine.sandbox;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One day of a plan in the official format, for code that builds plans (planners, generators). Values are
 * the official texts, e.g. {@code currentCity = "from Dallas to Houston"}, {@code breakfast = "Name, City"},
 * {@code attraction = "A, City;B, City;"}, "-" for nothing.
 */
public record PlanDay(int days, String currentCity, String transportation, String breakfast, String attraction,
                      String lunch, String dinner, String accommodation) {

    /** The official day dict, keys in the official order. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("days", days);
        m.put("current_city", currentCity);
        m.put("transportation", transportation);
        m.put("breakfast", breakfast);
        m.put("attraction", attraction);
        m.put("lunch", lunch);
        m.put("dinner", dinner);
        m.put("accommodation", accommodation);
        return m;
    }
}
