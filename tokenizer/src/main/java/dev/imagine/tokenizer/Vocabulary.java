package dev.imagine.tokenizer;

import java.util.Arrays;

/**
 * The BPE vocabulary: token strings by id, and an index from string to id. The index is open addressing
 * over two int arrays (id, string hash) so a probe rarely touches a String: loading resolves three look-ups
 * per merge (450,000 for Qwen3), and with java.util.HashMap those cache misses were most of the load time.
 */
final class Vocabulary {
    /** id → token; null where no token has the id. */
    private final String[] byId;
    /** slot → id, or -1 when empty; slotHashes holds that token's String.hashCode. */
    private final int[] slotIds;
    private final int[] slotHashes;
    private final int mask;

    /** Collects (token, id) pairs as a file lists them. */
    static final class Builder {
        private String[] tokens = new String[1024];
        private int[] ids = new int[1024];
        private int size;

        void add(String token, int id) {
            if (size == tokens.length) {
                tokens = Arrays.copyOf(tokens, size * 2);
                ids = Arrays.copyOf(ids, size * 2);
            }
            tokens[size] = token;
            ids[size++] = id;
        }

        /** @param source names the file or field in errors */
        Vocabulary build(String source) {
            return new Vocabulary(tokens, ids, size, source);
        }
    }

    private Vocabulary(String[] tokens, int[] ids, int n, String source) {
        int maxId = -1;
        for (int i = 0; i < n; i++) {
            if (ids[i] < 0) throw new TokenizerException(source + ": token \"" + tokens[i] + "\" has negative id " + ids[i]);
            maxId = Math.max(maxId, ids[i]);
        }
        byId = new String[maxId + 1];
        int capacity = Integer.highestOneBit(Math.max(4, n) * 2) * 2; // load factor ≤ 1/2
        slotIds = new int[capacity];
        slotHashes = new int[capacity];
        Arrays.fill(slotIds, -1);
        mask = capacity - 1;
        for (int i = 0; i < n; i++) {
            String token = tokens[i];
            int id = ids[i];
            if (byId[id] != null) throw new TokenizerException(source + ": tokens \"" + byId[id] + "\" and \"" + token + "\" share id " + id);
            byId[id] = token;
            int hash = token.hashCode();
            int slot = slotOf(hash);
            while (slotIds[slot] >= 0) {
                if (slotHashes[slot] == hash && byId[slotIds[slot]].equals(token)) {
                    throw new TokenizerException(source + ": token \"" + token + "\" is listed twice (ids " + slotIds[slot] + " and " + id + ")");
                }
                slot = (slot + 1) & mask;
            }
            slotIds[slot] = id;
            slotHashes[slot] = hash;
        }
    }

    private int slotOf(int hash) {
        int h = hash * 0x9E3779B9; // Fibonacci hashing spreads String hashes of similar tokens
        return (h ^ (h >>> 16)) & mask;
    }

    /** The id of token, or -1. */
    int id(String token) {
        int hash = token.hashCode();
        for (int slot = slotOf(hash); ; slot = (slot + 1) & mask) {
            int id = slotIds[slot];
            if (id < 0) return -1;
            if (slotHashes[slot] == hash && byId[id].equals(token)) return id;
        }
    }

    /** Largest id + 1. */
    int idLimit() {
        return byId.length;
    }

    /** The token with this id, or null. */
    String token(int id) {
        return id >= 0 && id < byId.length ? byId[id] : null;
    }
}
