package dev.imagine.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The hand-written splitter against a java.util.regex translation of the same pattern, with Unicode's \s spelled out. */
class PieceSplitterTest {
    /** Unicode White_Space, which the reference's \s matches (java.util.regex's \s is ASCII only). */
    private static final String WS = "\\t\\n\\u000B\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000";
    private static final Pattern REFERENCE = Pattern.compile(
            "(?iu:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^" + WS + "\\p{L}\\p{N}]+[\\r\\n]*"
                    + "|[" + WS + "]*[\\r\\n]+|[" + WS + "]+(?![^" + WS + "])|[" + WS + "]+");

    static List<String> split(String text) {
        List<String> pieces = new ArrayList<>();
        for (int start = 0; start < text.length(); ) {
            int end = PieceSplitter.pieceEnd(text, start, text.length());
            pieces.add(text.substring(start, end));
            start = end;
        }
        return pieces;
    }

    static List<String> splitWithRegex(String text) {
        List<String> pieces = new ArrayList<>();
        Matcher m = REFERENCE.matcher(text);
        int last = 0;
        while (m.find()) {
            if (m.start() > last) pieces.add(text.substring(last, m.start())); // Isolated: unmatched text is a piece too
            pieces.add(m.group());
            last = m.end();
        }
        if (last < text.length()) pieces.add(text.substring(last));
        return pieces;
    }

    @Test
    void examplesFromReadingThePattern() {
        assertEquals(List.of("Hello", " world", "!"), split("Hello world!"));
        assertEquals(List.of("I", "'ve", " been", " '", "told", " he", "'s"), split("I've been 'told he's"));
        assertEquals(List.of("WE", "'LL", " '", "M"), split("WE'LL 'M"));
        assertEquals(List.of("1", "2", "3", " ", "4"), split("123 4"));
        assertEquals(List.of(" ", " hello"), split("  hello"));
        assertEquals(List.of("  \n\n", "  ", " x"), split("  \n\n   x"));
        assertEquals(List.of("\t    "), split("\t    "));                 // white space that ends the text stays whole
        assertEquals(List.of("x", "\t  ", " y"), split("x\t   y"));
        assertEquals(List.of(" {\"", "a", "\":", " [", "1", "]}\n"), split(" {\"a\": [1]}\n"));
        assertEquals(List.of("(hello", ")"), split("(hello)"));
        assertEquals(List.of("\u00A0", " x"), split("\u00A0 x"));   // U+00A0 is \s for the reference
        assertEquals(List.of("北京到上海", "。"), split("北京到上海。"));
    }

    @Test
    void agreesWithTheRegexOnRandomText() {
        RandomText random = new RandomText(20251122L);
        for (int i = 0; i < 3000; i++) {
            String text = Tokenizer.replaceLoneSurrogates(random.next(80));
            assertEquals(splitWithRegex(text), split(text), () -> "text " + GoldenEncodingTest.quote(text));
        }
    }

    @Test
    void agreesWithTheRegexOnEveryBmpCharInContext() {
        // each BMP char between the kinds of neighbours the alternatives look at
        String[] contexts = {"a%sb", " %s ", "%s\n", "'%s", "1%s2", "%s%s", " %s\t\u3000x", "\r%s"};
        for (int c = 0; c < 0x10000; c++) {
            if (Character.isSurrogate((char) c)) continue;
            String ch = String.valueOf((char) c);
            for (String context : contexts) {
                String text = context.replace("%s", ch);
                assertEquals(splitWithRegex(text), split(text), () -> "text " + GoldenEncodingTest.quote(text));
            }
        }
    }
}
