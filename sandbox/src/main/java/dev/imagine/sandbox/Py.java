package dev.imagine.sandbox;

import java.math.BigInteger;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The few Python operations the official evaluator applies to plan values, on parsed JSON values
 * (Map / List / String / Integer / Long / BigInteger / Double / Boolean / null), raising {@link PyError}
 * with CPython 3.11's message where Python raises: {@code unit['lunch']} on a dict without it is
 * {@code KeyError: 'lunch'}, {@code 'from' in None} is {@code TypeError: argument of type 'NoneType' is
 * not iterable}, and so on.
 */
final class Py {
    private Py() {
    }

    /** A Python exception, as {@code "<Type>: <message>"}. */
    static final class PyError extends RuntimeException {
        PyError(String type, String message) {
            super(type + ": " + message, null, false, false);
        }
    }

    static PyError keyError(Object key) {
        return new PyError("KeyError", repr(key));
    }

    static PyError typeError(String message) {
        return new PyError("TypeError", message);
    }

    /** Python's {@code bool(v)}. */
    static boolean truthy(Object v) {
        return switch (v) {
            case null -> false;
            case Boolean b -> b;
            case String s -> !s.isEmpty();
            case Double d -> d != 0.0;
            case BigInteger b -> b.signum() != 0;
            case Number n -> n.longValue() != 0;
            case Collection<?> c -> !c.isEmpty();
            case Map<?, ?> m -> !m.isEmpty();
            default -> true;
        };
    }

    /** Python's {@code type(v).__name__}. */
    static String typeName(Object v) {
        return switch (v) {
            case null -> "NoneType";
            case Boolean b -> "bool";
            case String s -> "str";
            case Double d -> "float";
            case Number n -> "int";
            case List<?> l -> "list";
            case Map<?, ?> m -> "dict";
            default -> v.getClass().getSimpleName();
        };
    }

    /** Python's {@code str(v)}: strings as they are, everything else as {@link #repr}. */
    static String str(Object v) {
        return v instanceof String s ? s : repr(v);
    }

    /** Python's {@code repr} for keys and simple values. */
    static String repr(Object v) {
        return switch (v) {
            case null -> "None";
            case Boolean b -> b ? "True" : "False";
            case String s -> s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' + s + '"' : "'" + s.replace("'", "\\'") + "'";
            case Double d -> PyJson.floatRepr(d);
            case List<?> l -> {
                StringBuilder out = new StringBuilder("[");
                for (int i = 0; i < l.size(); i++) out.append(i > 0 ? ", " : "").append(repr(l.get(i)));
                yield out.append(']').toString();
            }
            case Map<?, ?> m -> {
                StringBuilder out = new StringBuilder("{");
                boolean first = true;
                for (var e : m.entrySet()) {
                    out.append(first ? "" : ", ").append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
                    first = false;
                }
                yield out.append('}').toString();
            }
            default -> String.valueOf(v);
        };
    }

    /** Python's {@code container[key]} for dicts (str keys) and lists (int keys). */
    static Object getItem(Object container, Object key) {
        if (container instanceof Map<?, ?> m) {
            if (!(key instanceof String) || !m.containsKey(key)) throw keyError(key);
            return m.get(key);
        }
        if (container instanceof List<?> l) {
            if (!(key instanceof Integer i)) throw typeError("list indices must be integers or slices, not " + typeName(key));
            int index = i < 0 ? i + l.size() : i;
            if (index < 0 || index >= l.size()) throw new PyError("IndexError", "list index out of range");
            return l.get(index);
        }
        if (container instanceof String s) {
            if (!(key instanceof Integer i)) throw typeError("string indices must be integers, not '" + typeName(key) + "'");
            int index = i < 0 ? i + s.length() : i;
            if (index < 0 || index >= s.length()) throw new PyError("IndexError", "string index out of range");
            return String.valueOf(s.charAt(index));
        }
        throw typeError("'" + typeName(container) + "' object is not subscriptable");
    }

    /** Python's {@code item in container}: substring for str, key for dict, element for list. */
    static boolean contains(Object container, Object item) {
        switch (container) {
            case String s -> {
                if (!(item instanceof String needle))
                    throw typeError("'in <string>' requires string as left operand, not " + typeName(item));
                return s.contains(needle);
            }
            case Map<?, ?> m -> {
                return m.containsKey(item);
            }
            case List<?> l -> {
                for (Object e : l) if (pyEquals(e, item)) return true;
                return false;
            }
            case null, default -> throw typeError("argument of type '" + typeName(container) + "' is not iterable");
        }
    }

    /** Python's {@code a == b} for JSON values (1 == 1.0, True == 1). */
    static boolean pyEquals(Object a, Object b) {
        if (a == null || b == null) return a == b;
        if (a instanceof Number || a instanceof Boolean) {
            if (!(b instanceof Number || b instanceof Boolean)) return false;
            return asDouble(a) == asDouble(b);
        }
        return a.equals(b);
    }

    private static double asDouble(Object v) {
        return v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).doubleValue();
    }

    /** Python's {@code len(v)}. */
    static int len(Object v) {
        return switch (v) {
            case String s -> s.codePointCount(0, s.length());
            case List<?> l -> l.size();
            case Map<?, ?> m -> m.size();
            case null, default -> throw typeError("object of type '" + typeName(v) + "' has no len()");
        };
    }

    /** The string argument of {@code re.search(pattern, v)}: raises like Python for non-strings. */
    static String reString(Object v) {
        if (v instanceof String s) return s;
        throw typeError("expected string or bytes-like object, got '" + typeName(v) + "'");
    }
}
