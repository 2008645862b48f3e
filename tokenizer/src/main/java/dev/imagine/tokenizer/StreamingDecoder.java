package dev.imagine.tokenizer;

/**
 * Decodes token by token for streamed output. A token can end inside a UTF-8 character (Chinese text,
 * emoji); those bytes wait until the character completes, so every piece returned is whole text and the
 * pieces concatenate to {@code decode(allIds)}. Not thread-safe: one per output stream.
 *
 * <p>Usage:
 * <pre>{@code
 * StreamingDecoder stream = tokenizer.streamingDecoder(true);
 * for (int id : generated) System.out.print(stream.push(id));
 * System.out.print(stream.flush());
 * }</pre>
 */
public final class StreamingDecoder {
    private final Tokenizer tokenizer;
    private final boolean skipSpecialTokens;
    private byte[] pending = new byte[16];
    private int size;

    StreamingDecoder(Tokenizer tokenizer, boolean skipSpecialTokens) {
        this.tokenizer = tokenizer;
        this.skipSpecialTokens = skipSpecialTokens;
    }

    /** Adds one token; returns the text that is now complete (often "", never half a character). */
    public String push(int id) {
        if (!tokenizer.decodes(id, skipSpecialTokens)) return "";
        pending = tokenizer.appendBytes(id, pending, size);
        size += tokenizer.byteLength(id);
        int cut = completePrefix(pending, size);
        if (cut == 0) return "";
        String text = Tokenizer.utf8Lossy(pending, 0, cut);
        System.arraycopy(pending, cut, pending, 0, size - cut);
        size -= cut;
        return text;
    }

    /** Returns whatever is held back (an unfinished character becomes U+FFFD) and starts afresh. */
    public String flush() {
        String text = Tokenizer.utf8Lossy(pending, 0, size);
        size = 0;
        return text;
    }

    /**
     * Length of the prefix of bytes[0, n) that can be decoded now: all of it, unless it ends with the start
     * of a multi-byte character (a lead byte followed by fewer continuation bytes than it announces).
     */
    static int completePrefix(byte[] bytes, int n) {
        // look back over at most 3 continuation bytes (10xxxxxx) for the lead byte of the last character
        for (int p = n - 1; p >= Math.max(0, n - 4); p--) {
            int b = bytes[p] & 0xFF;
            if ((b & 0xC0) == 0x80) continue;
            int length = b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 && b < 0xF0 ? 3 : b >= 0xC2 && b < 0xE0 ? 2 : 1;
            return n - p < length ? p : n;
        }
        return n;
    }
}
