package dev.imagine.tokenizer;

/**
 * The Qwen2/Qwen3 Split pre-tokenizer, hand-written: it cuts text into the pieces that the regex
 *
 * <pre>{@code (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+}</pre>
 *
 * finds with the reference's semantics (Oniguruma, leftmost-first alternation, greedy with backtracking),
 * one code point at a time, with no backtracking cost. Classes are Unicode's: {@code \p{L}} letters,
 * {@code \p{N}} numbers (Nd, Nl, No), {@code \s} the White_Space property (which includes U+0085 and U+00A0,
 * unlike java.util.regex's ASCII {@code \s}). Every char of the text lands in exactly one piece.
 */
final class PieceSplitter {
    /** The pattern this class implements, exactly as tokenizer.json writes it. */
    static final String QWEN2_PATTERN =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private static final byte LETTER = 1, NUMBER = 2, SPACE = 4;
    /** Class flags of every BMP code point; supplementary ones are classified on the fly (never space). */
    private static final byte[] BMP_CLASS = new byte[0x10000];

    static {
        for (int c = 0; c < 0x10000; c++) BMP_CLASS[c] = classify(c);
    }

    private PieceSplitter() {
    }

    private static byte classify(int cp) {
        if (isWhiteSpace(cp)) return SPACE;
        return switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER -> LETTER;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> NUMBER;
            default -> 0;
        };
    }

    /** Unicode's White_Space property (what Oniguruma's and Rust's {@code \s} match). */
    static boolean isWhiteSpace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F
                || cp == 0x205F || cp == 0x3000;
    }

    private static int classOf(int cp) {
        return cp < 0x10000 ? BMP_CLASS[cp] : classify(cp);
    }

    private static boolean isLetter(int cp) {
        return classOf(cp) == LETTER;
    }

    /** {@code [^\s\p{L}\p{N}]}: punctuation, symbols, controls, anything unassigned. */
    private static boolean isOther(int cp) {
        return classOf(cp) == 0;
    }

    private static boolean isNewline(int c) {
        return c == '\r' || c == '\n';
    }

    /** Lower-cases the letters the contractions name; 'ſ' (U+017F) case-folds to 's' as in the reference. */
    private static int foldAscii(char c) {
        if (c >= 'A' && c <= 'Z') return c + 32;
        return c == '\u017F' ? 's' : c;
    }

    /**
     * The end (exclusive, in chars) of the piece that starts at {@code start} of {@code text[.. end)}.
     * The alternatives are tried in the regex's order; each comment quotes the one it implements.
     */
    static int pieceEnd(String text, int start, int end) {
        int c = text.codePointAt(start);
        int width = Character.charCount(c);
        int cls = classOf(c);

        // (?i:'s|'t|'re|'ve|'m|'ll|'d)
        if (c == '\'' && start + 1 < end) {
            int a = foldAscii(text.charAt(start + 1));
            if (a == 's' || a == 't' || a == 'm' || a == 'd') return start + 2;
            if (start + 2 < end) {
                int b = foldAscii(text.charAt(start + 2));
                if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return start + 3;
            }
        }
        // [^\r\n\p{L}\p{N}]?\p{L}+
        if (cls == LETTER) return letterRunEnd(text, start + width, end);
        if (cls != NUMBER && !isNewline(c) && start + width < end) {
            int next = text.codePointAt(start + width);
            if (isLetter(next)) return letterRunEnd(text, start + width + Character.charCount(next), end);
        }
        // \p{N}
        if (cls == NUMBER) return start + width;
        // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
        if (c == ' ' && start + 1 < end) {
            int next = text.codePointAt(start + 1);
            if (isOther(next)) return otherRunEnd(text, start + 1, end);
        }
        if (cls == 0) return otherRunEnd(text, start, end);

        // Only white space is left: c is \s. Find the whole run [start, run).
        int run = start + 1;
        while (run < end && classOf(text.charAt(run)) == SPACE) run++;
        // \s*[\r\n]+ : \s* backs off to the last newline of the run
        for (int k = run - 1; k >= start; k--) {
            if (isNewline(text.charAt(k))) return k + 1;
        }
        // \s+(?!\S) : the whole run at the end of the text, else the run less its last char
        if (run == end) return run;
        if (run - start >= 2) return run - 1;
        // \s+
        return run;
    }

    private static int letterRunEnd(String text, int i, int end) {
        while (i < end) {
            int cp = text.codePointAt(i);
            if (!isLetter(cp)) break;
            i += Character.charCount(cp);
        }
        return i;
    }

    /** {@code [^\s\p{L}\p{N}]+[\r\n]*} from i. */
    private static int otherRunEnd(String text, int i, int end) {
        while (i < end) {
            int cp = text.codePointAt(i);
            if (!isOther(cp)) break;
            i += Character.charCount(cp);
        }
        while (i < end && isNewline(text.charAt(i))) i++;
        return i;
    }
}
