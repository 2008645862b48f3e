package dev.imagine.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Finds added tokens in raw text: leftmost occurrence first, the longest token at that position (the
 * reference's Aho-Corasick in leftmost-longest mode gives the same answer). Tokens are indexed by their
 * first char, so ordinary text costs one table look-up per char.
 */
final class AddedTokenMatcher {
    /** Tokens grouped by first char (BMP), each group longest first; null where no token starts. */
    private final AddedToken[][] byFirstChar = new AddedToken[0x10000][];

    AddedTokenMatcher(List<AddedToken> tokens) {
        List<List<AddedToken>> groups = new ArrayList<>();
        for (int c = 0; c < 0x10000; c++) groups.add(null);
        for (AddedToken token : tokens) {
            char first = token.content().charAt(0);
            if (groups.get(first) == null) groups.set(first, new ArrayList<>());
            groups.get(first).add(token);
        }
        for (int c = 0; c < 0x10000; c++) {
            List<AddedToken> group = groups.get(c);
            if (group == null) continue;
            group.sort(Comparator.comparingInt((AddedToken t) -> t.content().length()).reversed());
            byFirstChar[c] = group.toArray(AddedToken[]::new);
        }
    }

    /** A match: the token and where it starts. */
    record Match(int start, AddedToken token) {
        int end() {
            return start + token.content().length();
        }
    }

    /** The first added token in text at or after from, or null. */
    Match next(String text, int from) {
        for (int i = from, n = text.length(); i < n; i++) {
            AddedToken[] group = byFirstChar[text.charAt(i)];
            if (group == null) continue;
            for (AddedToken token : group) {
                if (text.startsWith(token.content(), i)) return new Match(i, token);
            }
        }
        return null;
    }
}
