package dev.imagine.tokenizer;

/**
 * UTF-8 bytes to text the way the reference's decoder does it (Rust's {@code String::from_utf8_lossy}):
 * each maximal prefix of a valid sequence that cannot be completed becomes one U+FFFD (Unicode's
 * "substitution of maximal subparts"). Java's own decoder differs on some inputs (it gives one U+FFFD for
 * an encoded surrogate ED A0 80, the reference three).
 */
final class Utf8 {
    private Utf8() {
    }

    static String decodeLossy(byte[] bytes, int offset, int length) {
        StringBuilder out = new StringBuilder(length);
        int end = offset + length;
        int i = offset;
        while (i < end) {
            int b0 = bytes[i] & 0xFF;
            if (b0 < 0x80) {
                out.append((char) b0);
                i++;
                continue;
            }
            // sequence length and the range of the second byte (Unicode Table 3-7, well-formed byte sequences)
            int need, lo = 0x80, hi = 0xBF;
            if (b0 >= 0xC2 && b0 <= 0xDF) need = 2;
            else if (b0 == 0xE0) { need = 3; lo = 0xA0; }
            else if (b0 == 0xED) { need = 3; hi = 0x9F; }
            else if (b0 >= 0xE1 && b0 <= 0xEF) need = 3;
            else if (b0 == 0xF0) { need = 4; lo = 0x90; }
            else if (b0 >= 0xF1 && b0 <= 0xF3) need = 4;
            else if (b0 == 0xF4) { need = 4; hi = 0x8F; }
            else {                                   // C0, C1, F5..FF or a stray continuation byte
                out.append('\uFFFD');
                i++;
                continue;
            }
            int cp = b0 & (0xFF >> (need + 1));
            int j = i + 1;
            boolean ok = true;
            for (int k = 1; k < need; k++, j++) {
                int b = j < end ? bytes[j] & 0xFF : -1;
                if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) {
                    ok = false;
                    break;
                }
                cp = (cp << 6) | (b & 0x3F);
            }
            if (ok) out.appendCodePoint(cp);
            else out.append('\uFFFD');               // the valid prefix [i, j) is one maximal subpart
            i = j;
        }
        return out.toString();
    }
}
