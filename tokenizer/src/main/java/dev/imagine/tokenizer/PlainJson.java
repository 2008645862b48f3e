package dev.imagine.tokenizer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Small JSON values read with Jackson's streaming parser into plain Java values: Map (insertion order),
 * List, String, Long, Double, Boolean, null. The loaders use this instead of jackson-databind's tree model
 * because creating an ObjectMapper costs a cold JVM about half a second, half the tokenizer's load budget.
 */
final class PlainJson {
    /**
     * Field names are not canonicalised or interned: the vocabulary's 151,643 distinct names would fill
     * Jackson's symbol table for nothing.
     */
    static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .build();

    private PlainJson() {
    }

    /** Reads the value at the parser's current token (which must be a value's first token). */
    static Object read(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) throw new IOException("unexpected end of JSON");
        return switch (t) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    map.put(name, read(p));
                }
                yield map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) list.add(read(p));
                yield list;
            }
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new IOException("unexpected JSON token " + t);
        };
    }

    /** A member of an object value, or null when the value is no object or lacks it. */
    static Object get(Object object, String name) {
        return object instanceof Map<?, ?> map ? map.get(name) : null;
    }

    /** A string member, or fallback when missing or not a string. */
    static String string(Object object, String name, String fallback) {
        return get(object, name) instanceof String s ? s : fallback;
    }

    /** A boolean member, or fallback when missing or not a boolean. */
    static boolean bool(Object object, String name, boolean fallback) {
        return get(object, name) instanceof Boolean b ? b : fallback;
    }

    /** Compact JSON text of a plain value, cut at 200 chars: for error messages. */
    static String abbreviate(Object value) {
        StringBuilder sb = new StringBuilder();
        write(value, sb);
        return sb.length() > 200 ? sb.substring(0, 200) + "…" : sb.toString();
    }

    private static void write(Object value, StringBuilder sb) {
        switch (value) {
            case null -> sb.append("null");
            case Map<?, ?> map -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!first) sb.append(", ");
                    first = false;
                    sb.append('"').append(e.getKey()).append("\": ");
                    write(e.getValue(), sb);
                }
                sb.append('}');
            }
            case List<?> list -> {
                sb.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) sb.append(", ");
                    write(list.get(i), sb);
                }
                sb.append(']');
            }
            case String s -> sb.append('"').append(s).append('"');
            default -> sb.append(value);
        }
    }
}
