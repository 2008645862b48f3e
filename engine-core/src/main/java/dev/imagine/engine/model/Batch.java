package dev.imagine.engine.model;

import dev.imagine.engine.kv.KvCache;

import java.util.Arrays;

/**
 * One forward pass's work: several sequences, each with new token ids placed after the positions it already
 * has in the KV cache. Rows are the new tokens of all sequences, concatenated. Logits are computed only for the
 * rows asked for (the last row of a sequence when generating; every row when scoring). Reusable: {@link #clear()}
 * keeps the arrays, so a decode loop does not allocate. A sequence may appear at most once per batch.
 *
 * <p>Usage: {@code batch.clear(); batch.add(seq, promptIds, false); MemorySegment logits = model.forward(batch);}
 */
public final class Batch {
    int rows;
    int[] tokens = new int[16];
    int[] positions = new int[16];
    KvCache.Sequence[] sequenceOfRow = new KvCache.Sequence[16];
    int entries;
    KvCache.Sequence[] entrySequence = new KvCache.Sequence[4];
    int[] entryCount = new int[4];
    int logitRows;
    int[] logitRow = new int[16];

    public void clear() {
        rows = 0;
        entries = 0;
        logitRows = 0;
    }

    /** Adds {@code ids} as the next tokens of {@code s}; logits for every new row or only the last. */
    public void add(KvCache.Sequence s, int[] ids, boolean logitsForEveryRow) {
        if (ids.length == 0) throw new IllegalArgumentException("no tokens to add");
        for (int i = 0; i < entries; i++) {
            if (entrySequence[i] == s) throw new IllegalArgumentException("a sequence may appear once per batch");
        }
        ensureRows(rows + ids.length);
        addEntry(s, ids.length);
        for (int i = 0; i < ids.length; i++) {
            if (logitsForEveryRow || i == ids.length - 1) logitRow[logitRows++] = rows;
            putRow(s, ids[i], s.length() + i);
        }
    }

    /** Adds one token to {@code s} and asks for its logits (the decode step). */
    public void add(KvCache.Sequence s, int id) {
        ensureRows(rows + 1);
        addEntry(s, 1);
        logitRow[logitRows++] = rows;
        putRow(s, id, s.length());
    }

    private void putRow(KvCache.Sequence s, int id, int position) {
        tokens[rows] = id;
        positions[rows] = position;
        sequenceOfRow[rows] = s;
        rows++;
    }

    private void addEntry(KvCache.Sequence s, int n) {
        if (entries == entrySequence.length) {
            entrySequence = Arrays.copyOf(entrySequence, entries * 2);
            entryCount = Arrays.copyOf(entryCount, entries * 2);
        }
        entrySequence[entries] = s;
        entryCount[entries++] = n;
    }

    private void ensureRows(int n) {
        if (n <= tokens.length) return;
        int size = Math.max(n, tokens.length * 2);
        tokens = Arrays.copyOf(tokens, size);
        positions = Arrays.copyOf(positions, size);
        sequenceOfRow = Arrays.copyOf(sequenceOfRow, size);
        logitRow = Arrays.copyOf(logitRow, size);
    }

    /** Number of new tokens in the batch. */
    public int rows() {
        return rows;
    }

    public int token(int row) {
        return tokens[row];
    }

    public int position(int row) {
        return positions[row];
    }

    public KvCache.Sequence sequence(int row) {
        return sequenceOfRow[row];
    }

    /** Number of logits rows the forward pass returns. */
    public int logitRows() {
        return logitRows;
    }

    /** The batch row whose logits are returned at index i. */
    public int logitRow(int i) {
        return logitRow[i];
    }
}
