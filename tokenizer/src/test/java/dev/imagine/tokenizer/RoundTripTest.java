package dev.imagine.tokenizer;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Property tests over seeded random Unicode: decode(encode(s)) == NFC(s), where, as in the reference, NFC
 * applies to the stretches between added tokens (they are cut out of the raw text first); and streaming
 * equals whole decoding.
 */
class RoundTripTest {
    private static final Tokenizer QWEN3 = GoldenEncodingTest.QWEN3;
    /** The added tokens as one alternation, longest first, so the leftmost match is also the longest. */
    private static final Pattern ADDED = Pattern.compile(QWEN3.addedTokens().stream().map(AddedToken::content)
            .sorted(Comparator.comparingInt(String::length).reversed()).map(Pattern::quote).collect(Collectors.joining("|")));

    /** NFC of each stretch between added tokens; lone surrogates as U+FFFD. */
    static String normalised(String text) {
        text = Tokenizer.replaceLoneSurrogates(text);
        StringBuilder out = new StringBuilder();
        Matcher m = ADDED.matcher(text);
        int last = 0;
        while (m.find()) {
            out.append(Normalizer.normalize(text.substring(last, m.start()), Normalizer.Form.NFC)).append(m.group());
            last = m.end();
        }
        return out.append(Normalizer.normalize(text.substring(last), Normalizer.Form.NFC)).toString();
    }

    @Test
    void decodeOfEncodeIsTheNormalisedText() {
        RandomText random = new RandomText(7L);
        for (int i = 0; i < 2000; i++) {
            String text = random.next(200);
            String expected = normalised(text);
            assertEquals(expected, QWEN3.decode(QWEN3.encode(text)), () -> "text " + GoldenEncodingTest.quote(text));
        }
    }

    @Test
    void normalisationStopsAtAddedTokens() {
        // "<tool_call>" + U+0338 would compose to "<tool_call≯" under NFC of the whole text; the reference cuts the
        // added token out first, so the combining mark stays alone
        int[] ids = QWEN3.encode("<tool_call>\u0338");
        assertEquals(151657, ids[0]);
        assertEquals("<tool_call>\u0338", QWEN3.decode(ids));
        // without an added token in the way, the same marks compose
        assertEquals("<tool\u226F", QWEN3.decode(QWEN3.encode("<tool>\u0338")));
    }

    @Test
    void streamingPiecesAreWholeCharactersAndConcatenateToTheDecodedText() {
        RandomText random = new RandomText(11L);
        for (int i = 0; i < 500; i++) {
            String text = random.next(200);
            int[] ids = QWEN3.encode(text);
            StreamingDecoder stream = QWEN3.streamingDecoder(false);
            StringBuilder streamed = new StringBuilder();
            for (int id : ids) {
                String piece = stream.push(id);
                if (!piece.isEmpty()) assertFalse(Character.isHighSurrogate(piece.charAt(piece.length() - 1)), "a piece ends inside a pair");
                streamed.append(piece);
            }
            streamed.append(stream.flush());
            assertEquals(QWEN3.decode(ids), streamed.toString(), () -> "text " + GoldenEncodingTest.quote(text));
            assertFalse(streamed.indexOf("\uFFFD") >= 0 && text.indexOf('\uFFFD') < 0 && text.equals(Tokenizer.replaceLoneSurrogates(text)),
                    "streaming made up a replacement character");
        }
    }

    @Test
    void streamingHoldsBackHalfACharacter() {
        // 🦙 is 4 UTF-8 bytes; feed them as single-byte tokens: nothing comes out until the last one
        byte[] llama = "🦙".getBytes(StandardCharsets.UTF_8);
        StreamingDecoder stream = QWEN3.streamingDecoder(false);
        for (int i = 0; i < 3; i++) assertEquals("", stream.push(byteToken(llama[i])));
        assertEquals("🦙", stream.push(byteToken(llama[3])));
        // an unfinished character at the end comes out as U+FFFD on flush
        assertEquals("a", stream.push(QWEN3.encode("a")[0]));
        assertEquals("", stream.push(byteToken(llama[0])));
        assertEquals("\uFFFD", stream.flush());
        // a broken sequence followed by ASCII: U+FFFD then the letter, like decode()
        assertEquals("", stream.push(byteToken(llama[0])));
        assertEquals("\uFFFDb", stream.push(QWEN3.encode("b")[0]));
    }

    @Test
    void skippingSpecialTokensWhileStreaming() {
        StreamingDecoder stream = QWEN3.streamingDecoder(true);
        StringBuilder out = new StringBuilder();
        for (int id : QWEN3.encode("<|im_start|>assistant\n北京<|im_end|>")) out.append(stream.push(id));
        out.append(stream.flush());
        assertEquals("assistant\n北京", out.toString());
    }

    private static int byteToken(byte b) {
        return QWEN3.tokenId(String.valueOf(ByteLevel.BYTE_TO_CHAR[b & 0xFF])).orElseThrow();
    }
}
