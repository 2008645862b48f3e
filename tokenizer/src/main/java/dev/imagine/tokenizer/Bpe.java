package dev.imagine.tokenizer;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-level BPE over token ids: a piece's UTF-8 bytes start as single-byte tokens, then the adjacent pair
 * with the lowest merge rank merges, leftmost first on equal rank, until no pair has a merge, exactly as
 * Hugging Face tokenizers' {@code Word::merge_all}. Results are cached per piece text. Thread-safe.
 */
final class Bpe {
    /** Pieces longer than this (chars) are not cached: they are rare and would crowd the cache. */
    private static final int MAX_CACHED_PIECE = 64;
    private static final int CACHE_LIMIT = 200_000;

    /** byte → id of its single-byte token. */
    private final int[] byteToId;
    /** Merge table, open addressing: key (left id << 32 | right id) → rank; empty slots hold -1. */
    private final long[] keys;
    private final int[] ranks;
    private final int mask;
    /** rank → id of the merged token. */
    private final int[] mergedIds;
    /** piece text → its ids; null when caching is off (benchmarks of the merge loop itself). */
    private final ConcurrentHashMap<String, int[]> cache;

    /**
     * @param byteToId  id of each single-byte token
     * @param lefts     left id of each merge, by rank
     * @param rights    right id of each merge, by rank
     * @param mergedIds id of each merge's result, by rank
     */
    Bpe(int[] byteToId, int[] lefts, int[] rights, int[] mergedIds) {
        this.byteToId = byteToId.clone();
        this.mergedIds = mergedIds.clone();
        this.cache = new ConcurrentHashMap<>();
        int capacity = Integer.highestOneBit(Math.max(4, lefts.length * 2 + 1)) * 2;
        keys = new long[capacity];
        ranks = new int[capacity];
        Arrays.fill(keys, -1L);
        mask = capacity - 1;
        for (int r = 0; r < lefts.length; r++) {
            long key = pairKey(lefts[r], rights[r]);
            int slot = slotOf(key);
            keys[slot] = key;
            ranks[slot] = r; // a pair listed twice keeps its last rank, as the reference's map does
        }
    }

    /** The same tables with caching on or off. */
    private Bpe(Bpe tables, boolean cached) {
        byteToId = tables.byteToId;
        keys = tables.keys;
        ranks = tables.ranks;
        mask = tables.mask;
        mergedIds = tables.mergedIds;
        cache = cached ? new ConcurrentHashMap<>() : null;
    }

    Bpe withCache(boolean cached) {
        return new Bpe(this, cached);
    }

    private static long pairKey(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    /** The slot holding key, or the empty slot where it would go (linear probing). */
    private int slotOf(long key) {
        int slot = (int) (mix(key) & mask);
        while (keys[slot] != -1L && keys[slot] != key) slot = (slot + 1) & mask;
        return slot;
    }

    private static long mix(long key) {
        key *= 0x9E3779B97F4A7C15L;
        return key ^ (key >>> 29);
    }

    /** Rank of merging (left, right), or -1 when the pair has no merge. */
    int rank(int left, int right) {
        long key = pairKey(left, right);
        int slot = (int) (mix(key) & mask);
        while (true) {
            long k = keys[slot];
            if (k == key) return ranks[slot];
            if (k == -1L) return -1;
            slot = (slot + 1) & mask;
        }
    }

    /** Appends the ids of text[start, end) (no lone surrogates) to out. */
    void encode(String text, int start, int end, IntList out) {
        int length = end - start;
        if (length == 1 && text.charAt(start) < 0x80) { // a lone ASCII char is its own byte token
            out.add(byteToId[text.charAt(start)]);
            return;
        }
        if (length > MAX_CACHED_PIECE || cache == null) {
            out.addAll(merge(utf8Ids(text, start, end)));
            return;
        }
        String piece = text.substring(start, end);
        int[] ids = cache.get(piece);
        if (ids == null) {
            ids = merge(utf8Ids(text, start, end));
            if (cache.size() >= CACHE_LIMIT) cache.clear(); // bounded memory; refills with what is common now
            cache.put(piece, ids);
        }
        out.addAll(ids);
    }

    /** The single-byte token ids of text[start, end)'s UTF-8 encoding. */
    int[] utf8Ids(String text, int start, int end) {
        int[] ids = new int[(end - start) * 3];
        int n = 0;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                ids[n++] = byteToId[c];
            } else if (c < 0x800) {
                ids[n++] = byteToId[0xC0 | (c >> 6)];
                ids[n++] = byteToId[0x80 | (c & 0x3F)];
            } else if (Character.isHighSurrogate(c)) { // callers replace lone surrogates first: a pair is whole
                int cp = Character.toCodePoint(c, text.charAt(++i));
                if (n + 4 > ids.length) ids = Arrays.copyOf(ids, ids.length + 4);
                ids[n++] = byteToId[0xF0 | (cp >> 18)];
                ids[n++] = byteToId[0x80 | ((cp >> 12) & 0x3F)];
                ids[n++] = byteToId[0x80 | ((cp >> 6) & 0x3F)];
                ids[n++] = byteToId[0x80 | (cp & 0x3F)];
            } else {
                ids[n++] = byteToId[0xE0 | (c >> 12)];
                ids[n++] = byteToId[0x80 | ((c >> 6) & 0x3F)];
                ids[n++] = byteToId[0x80 | (c & 0x3F)];
            }
        }
        return n == ids.length ? ids : Arrays.copyOf(ids, n);
    }

    /** Pieces up to this many bytes merge by scanning (no heap, no links): most words, fastest. */
    private static final int SCAN_LIMIT = 32;

    /** Merges ids (one id per byte) by rank and returns the resulting ids. */
    int[] merge(int[] ids) {
        return ids.length <= SCAN_LIMIT ? mergeByScan(ids) : mergeByHeap(ids);
    }

    /**
     * For short pieces: ranks[i] holds the rank of the pair (ids[i], ids[i+1]); each round merges the
     * lowest-ranked pair, leftmost on ties, closes the gap and re-ranks its two neighbours. O(n²) moves, but
     * n is a word's bytes, and it needs no allocation beyond the two arrays.
     */
    int[] mergeByScan(int[] ids) {
        int n = ids.length;
        if (n < 2) return ids;
        int[] pairRanks = new int[n - 1];
        for (int i = 0; i + 1 < n; i++) pairRanks[i] = rankOrMax(ids[i], ids[i + 1]);
        while (n > 1) {
            int best = 0;
            for (int i = 1; i < n - 1; i++) if (pairRanks[i] < pairRanks[best]) best = i;
            int r = pairRanks[best];
            if (r == Integer.MAX_VALUE) break;
            // ids[best], ids[best+1] → merged at best; shift the tail left by one
            ids[best] = mergedIds[r];
            System.arraycopy(ids, best + 2, ids, best + 1, n - best - 2);
            System.arraycopy(pairRanks, best + 1, pairRanks, best, n - best - 2);
            n--;
            if (best > 0) pairRanks[best - 1] = rankOrMax(ids[best - 1], ids[best]);
            if (best < n - 1) pairRanks[best] = rankOrMax(ids[best], ids[best + 1]);
        }
        return n == ids.length ? ids : Arrays.copyOf(ids, n);
    }

    private int rankOrMax(int left, int right) {
        int r = rank(left, right);
        return r < 0 ? Integer.MAX_VALUE : r;
    }

    /**
     * For long pieces, as the reference does it: symbols form a linked list over
     * positions (a merge keeps the left position, kills the right one); candidate merges sit in a min-heap
     * of (rank << 32 | position), so the lowest rank pops first and, on equal rank, the leftmost.
     * A popped entry is stale when its pair no longer has that rank (a neighbour merged meanwhile).
     */
    int[] mergeByHeap(int[] ids) {
        int n = ids.length;
        if (n < 2) return ids;
        int[] prev = new int[n];
        int[] next = new int[n];
        long[] heap = new long[n * 2];
        int heapSize = 0;
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        for (int i = 0; i + 1 < n; i++) {
            int r = rank(ids[i], ids[i + 1]);
            if (r >= 0) heapSize = push(heap, heapSize, ((long) r << 32) | i);
        }
        while (heapSize > 0) {
            long top = heap[0];
            heapSize = popTop(heap, heapSize);
            int r = (int) (top >>> 32);
            int pos = (int) top;
            if (ids[pos] < 0) continue;                          // merged into its left neighbour
            int right = next[pos];
            if (right < 0 || rank(ids[pos], ids[right]) != r) continue; // stale
            ids[pos] = mergedIds[r];
            ids[right] = -1;
            int after = next[right];
            next[pos] = after;
            if (after >= 0) prev[after] = pos;
            if (heapSize + 2 > heap.length) heap = Arrays.copyOf(heap, heap.length * 2);
            int before = prev[pos];
            if (before >= 0) {
                int r2 = rank(ids[before], ids[pos]);
                if (r2 >= 0) heapSize = push(heap, heapSize, ((long) r2 << 32) | before);
            }
            if (after >= 0) {
                int r3 = rank(ids[pos], ids[after]);
                if (r3 >= 0) heapSize = push(heap, heapSize, ((long) r3 << 32) | pos);
            }
        }
        int count = 0;
        for (int i = 0; i >= 0; i = next[i]) ids[count++] = ids[i];
        return Arrays.copyOf(ids, count);
    }

    private static int push(long[] heap, int size, long value) {
        int i = size;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] <= value) break;
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = value;
        return size + 1;
    }

    /** Removes heap[0]; returns the new size. */
    private static int popTop(long[] heap, int size) {
        size--;
        long last = heap[size];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) break;
            if (child + 1 < size && heap[child + 1] < heap[child]) child++;
            if (heap[child] >= last) break;
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = last;
        return size;
    }
}
