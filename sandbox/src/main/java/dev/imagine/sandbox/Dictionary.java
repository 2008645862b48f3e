package dev.imagine.sandbox;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Interns the few distinct values of a text column (cities, dates, times) as small int codes. */
final class Dictionary {
    private final Map<String, Integer> codes = new HashMap<>();
    private final List<String> values = new ArrayList<>();

    int code(String value) {
        Integer code = codes.get(value);
        if (code != null) return code;
        codes.put(value, values.size());
        values.add(value);
        return values.size() - 1;
    }

    /** The code of a value, or -1 if it never occurred. */
    int find(String value) {
        Integer code = codes.get(value);
        return code == null ? -1 : code;
    }

    String value(int code) {
        return values.get(code);
    }

    int size() {
        return values.size();
    }
}
