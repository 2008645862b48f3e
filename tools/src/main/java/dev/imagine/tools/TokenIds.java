package dev.imagine.tools;

/** Parses comma-separated token ids given on the command line ("1,2,3"). */
final class TokenIds {
    private TokenIds() {
    }

    static int[] parse(String text, String option) {
        String[] parts = text.trim().split("\\s*,\\s*");
        int[] ids = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                ids[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new UserError(option + ": \"" + parts[i] + "\" (item " + (i + 1) + ") is not a token id");
            }
            if (ids[i] < 0) throw new UserError(option + ": token id " + ids[i] + " (item " + (i + 1) + ") is negative");
        }
        return ids;
    }

    static void checkVocabulary(int[] ids, int vocab, String option) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] >= vocab) throw new UserError(option + ": token id " + ids[i] + " (item " + (i + 1) + ") is outside the model's vocabulary of " + vocab);
        }
    }
}
