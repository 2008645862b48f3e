package dev.imagine.tokenizer;

/**
 * GPT-2's byte-level alphabet ({@code bytes_to_unicode}): every byte 0..255 gets a printable code point, so a
 * vocabulary entry is a string of these stand-ins, one per UTF-8 byte. Printable Latin-1 bytes stand for
 * themselves; the other 68 bytes map to U+0100.. in byte order.
 */
final class ByteLevel {
    /** byte (0..255) → its stand-in code point. */
    static final char[] BYTE_TO_CHAR = new char[256];
    /** stand-in code point (< 0x200) → its byte, or -1 where a char is no stand-in. */
    static final short[] CHAR_TO_BYTE = new short[0x200];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, (short) -1);
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) next++;
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = (short) b;
        }
    }

    private ByteLevel() {
    }

    /** The bytes a byte-level string stands for, or null when it holds a char outside the alphabet. */
    static byte[] toBytes(String token) {
        byte[] bytes = new byte[token.length()];
        for (int i = 0; i < bytes.length; i++) {
            char c = token.charAt(i);
            if (c >= CHAR_TO_BYTE.length || CHAR_TO_BYTE[c] < 0) return null;
            bytes[i] = (byte) CHAR_TO_BYTE[c];
        }
        return bytes;
    }

    /** The byte-level string for some bytes. */
    static String toChars(byte[] bytes) {
        char[] chars = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) chars[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        return new String(chars);
    }
}
