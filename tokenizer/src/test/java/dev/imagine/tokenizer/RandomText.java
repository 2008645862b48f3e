package dev.imagine.tokenizer;

import java.util.List;
import java.util.SplittableRandom;

/** Seeded random text that stresses the tokenizer: every script, odd white space, combining marks, emoji, lone surrogates, added-token lookalikes. */
final class RandomText {
    private static final List<String> SNIPPETS = List.of(
            "'s", "'T", "'re", "'VE", "'m", "'ll", "'D", "'ſ", "'x", "<|im_start|>", "<|im_end|>", "<think>", "</think>",
            "<|im_", "<tool_call>", "\r\n", "\n\n\n", "   ", "\t\t", " \n ", "Hello", " world", "123456", "3.14", "{\"a\": [1, 2]}",
            "e\u0301", "\u1100\u1161\u11A8", "北京", "🦙", "👩\u200D💻", "\uFEFF", "\u0085", "\u00A0", "\u3000", "\u2028");

    private final SplittableRandom random;

    RandomText(long seed) {
        random = new SplittableRandom(seed);
    }

    String next(int maxLength) {
        int length = random.nextInt(maxLength + 1);
        StringBuilder sb = new StringBuilder();
        while (sb.length() < length) {
            switch (random.nextInt(10)) {
                case 0 -> sb.append(SNIPPETS.get(random.nextInt(SNIPPETS.size())));
                case 1 -> sb.append((char) (0x20 + random.nextInt(0x5F)));         // printable ASCII
                case 2 -> sb.append(" \t\n\r\u000B\f".charAt(random.nextInt(6)));
                case 3 -> sb.append((char) ('a' + random.nextInt(26)));
                case 4 -> sb.append((char) (0x300 + random.nextInt(0x70)));        // combining marks
                case 5 -> sb.append((char) (0xA0 + random.nextInt(0x2000 - 0xA0))); // Latin .. punctuation
                case 6 -> sb.append((char) (0x3000 + random.nextInt(0x9FFF - 0x3000))); // CJK and kana
                case 7 -> sb.appendCodePoint(0x1F300 + random.nextInt(0x400));     // emoji
                case 8 -> {                                                         // any scalar value
                    int cp = random.nextInt(0x110000);
                    if (cp >= 0xD800 && cp < 0xE000) cp = 0xFFFD;
                    sb.appendCodePoint(cp);
                }
                default -> sb.append(random.nextInt(50) == 0 ? (char) (0xD800 + random.nextInt(0x800)) : ' '); // a lone surrogate now and then
            }
        }
        return sb.toString();
    }
}
