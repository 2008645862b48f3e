package dev.imagine.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The official evaluator's text helpers (utils/func.py, commonsense_constraint.py), with Python's regex
 * semantics: {@code .} and {@code $} only know '\n' (UNIX_LINES), {@code \w} and {@code \s} are Python's Unicode classes.
 */
final class OfficialText {
    private OfficialText() {
    }

    // Python's \s and \w for str patterns, spelled out: Java's UNICODE_CHARACTER_CLASS flag is close but slow
    private static final String SPACE_CHARS = "\\t\\n\\x0B\\f\\r \\x1C-\\x1F\\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000";
    private static final String S = "[" + SPACE_CHARS + "]";
    private static final String W = "[\\p{L}\\p{N}_]";
    private static final int FLAGS = Pattern.UNIX_LINES;
    private static final Pattern BEFORE_PARENTHESIS = Pattern.compile("^(.*?)\\([^)]*\\)", FLAGS);
    /** {@code from\s+(.+?)\s+to\s+([^,]+)(?=[,\s]|$)} */
    private static final Pattern FROM_TO = Pattern.compile(
            "from" + S + "+(.+?)" + S + "+to" + S + "+([^,]+)(?=[," + SPACE_CHARS + "]|$)", FLAGS);
    /** {@code (.*?),\s*([^,]+)(\(\w[\w\s]*\))?$} */
    private static final Pattern NAME_CITY = Pattern.compile(
            "(.*?)," + S + "*([^,]+)(\\(" + W + "[\\p{L}\\p{N}_" + SPACE_CHARS + "]*\\))?$", FLAGS);

    /** {@code extract_before_parenthesis}: the text before the first "(...)", or the whole text. */
    static String beforeParenthesis(String s) {
        if (s.indexOf('(') < 0) return s;
        Matcher m = BEFORE_PARENTHESIS.matcher(s);
        return m.find() ? m.group(1) : s;
    }

    /** {@code extract_from_to}: {A, B} of "from A to B", or null if the text has no such part. */
    static String[] fromTo(String text) {
        if (!text.contains("from")) return null;
        Matcher m = FROM_TO.matcher(text);
        return m.find() ? new String[]{m.group(1), m.group(2)} : null;
    }

    /** {@code get_valid_name_city}: {name, city} split at the last comma, or {"-", "-"} if it cannot parse. */
    static String[] nameCity(String info) {
        if (info.indexOf(',') < 0) return new String[]{"-", "-"};
        Matcher m = NAME_CITY.matcher(info);
        if (!m.find()) return new String[]{"-", "-"};
        return new String[]{pyStrip(m.group(1)), pyStrip(beforeParenthesis(pyStrip(m.group(2))))};
    }

    /** Python's {@code str.split(sep)}: keeps empty pieces, including trailing ones. */
    static List<String> split(String s, char sep) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == sep) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }

    /** Python's {@code str.strip()}: removes Unicode whitespace at both ends. */
    static String pyStrip(String s) {
        int from = 0, to = s.length();
        while (from < to && isPySpace(s.charAt(from))) from++;
        while (to > from && isPySpace(s.charAt(to - 1))) to--;
        return s.substring(from, to);
    }

    private static boolean isPySpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || (c >= 0x1c && c <= 0x1f) || c == 0x85;
    }

    /** Python's {@code str.lower()} for the ASCII keywords the evaluator looks for. */
    static String lower(String s) {
        return s.toLowerCase(java.util.Locale.ROOT);
    }
}
