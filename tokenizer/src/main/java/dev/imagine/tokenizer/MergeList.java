package dev.imagine.tokenizer;

import java.util.Arrays;

/** BPE merges by rank as token ids: (left, right) → merged, resolved against the vocabulary as they are read. */
final class MergeList {
    private int[] lefts = new int[1024], rights = new int[1024], merged = new int[1024];
    private int size;

    /**
     * Adds the merge of rank {@link #size()}; {@code where} names the list in errors ("file: model.merges"),
     * the rank is appended.
     */
    void add(Vocabulary vocab, String left, String right, String where) {
        if (size == lefts.length) {
            lefts = Arrays.copyOf(lefts, size * 2);
            rights = Arrays.copyOf(rights, size * 2);
            merged = Arrays.copyOf(merged, size * 2);
        }
        lefts[size] = id(vocab, left, where);
        rights[size] = id(vocab, right, where);
        merged[size] = id(vocab, left.concat(right), where);
        size++;
    }

    private int id(Vocabulary vocab, String token, String where) {
        int id = vocab.id(token);
        if (id < 0) throw new TokenizerException(where + "[" + size + "] uses '" + token + "', which is not in the vocabulary");
        return id;
    }

    int size() {
        return size;
    }

    int[] lefts() {
        return Arrays.copyOf(lefts, size);
    }

    int[] rights() {
        return Arrays.copyOf(rights, size);
    }

    int[] merged() {
        return Arrays.copyOf(merged, size);
    }
}
