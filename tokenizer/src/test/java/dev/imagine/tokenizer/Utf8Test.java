package dev.imagine.tokenizer;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Lossy UTF-8 decoding against Python's bytes.decode("utf-8", "replace"), which follows the same rule as the reference (Rust). */
class Utf8Test {
    private static String decode(String hex) {
        byte[] b = HexFormat.of().parseHex(hex);
        return Utf8.decodeLossy(b, 0, b.length);
    }

    @Test
    void maximalSubpartsBecomeOneReplacementEach() {
        // expected values printed by Python 3: bytes.fromhex(h).decode("utf-8", "replace")
        assertEquals("\uFFFD", decode("e282"));
        assertEquals("\uFFFDA", decode("e28241"));
        assertEquals("\uFFFD", decode("f09f98"));
        assertEquals("\uFFFDA", decode("f09f9841"));
        assertEquals("\uFFFD\uFFFD\uFFFD", decode("eda080"));          // an encoded surrogate (Java's decoder gives one)
        assertEquals("\uFFFD\uFFFD", decode("c0af"));
        assertEquals("\uFFFD\uFFFD\uFFFD\uFFFD", decode("f4908080"));
        assertEquals("\uFFFD\uFFFD", decode("8080"));
        assertEquals("\uFFFD\uFFFD\uFFFD", decode("e08080"));
        assertEquals("\uFFFD\uFFFD\uFFFD\uFFFD", decode("f0808080"));
        assertEquals("\uFFFDA", decode("fe41"));
        assertEquals("A\uFFFD€", decode("41e2e282ac"));
        assertEquals("\uD7FF", decode("ed9fbf"));
        assertEquals("\uDBFF\uDFFF", decode("f48fbfbf"));
        assertEquals("\uFFFD\uFFFD\uFFFD\uFFFD", decode("f8888080"));
        assertEquals("\uFFFD\uFFFD", decode("c1bf"));
    }

    @Test
    void validTextDecodesAsJavaDoes() {
        SplittableRandom random = new SplittableRandom(5);
        RandomText text = new RandomText(5);
        for (int i = 0; i < 1000; i++) {
            String s = Tokenizer.replaceLoneSurrogates(text.next(100));
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            assertEquals(s, Utf8.decodeLossy(b, 0, b.length));
            int from = random.nextInt(b.length + 1);
            assertEquals(new String(b, 0, from, StandardCharsets.UTF_8).replace("\uFFFD", ""),
                    Utf8.decodeLossy(b, 0, from).replace("\uFFFD", ""), "a cut sequence only adds replacement characters");
        }
    }
}
