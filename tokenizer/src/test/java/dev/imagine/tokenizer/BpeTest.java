package dev.imagine.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The two merge loops (scan for short pieces, heap for long ones) agree on every piece. */
class BpeTest {
    @Test
    void scanAndHeapMergeAlike() {
        Bpe bpe = GoldenEncodingTest.QWEN3.bpe();
        RandomText random = new RandomText(3L);
        for (int i = 0; i < 3000; i++) {
            String text = Tokenizer.replaceLoneSurrogates(random.next(40));
            for (int start = 0; start < text.length(); ) {
                int end = PieceSplitter.pieceEnd(text, start, text.length());
                int[] bytes = bpe.utf8Ids(text, start, end);
                int[] scan = bpe.mergeByScan(bytes.clone());
                int[] heap = bpe.mergeByHeap(bytes.clone());
                String piece = text.substring(start, end);
                assertArrayEquals(heap, scan, () -> "piece " + GoldenEncodingTest.quote(piece) + " bytes " + Arrays.toString(bytes));
                start = end;
            }
        }
        // long runs: many equal-rank pairs ("    ", "aaaa")
        for (String s : new String[]{" ".repeat(33), "a".repeat(40), "ab".repeat(20), "\n".repeat(31)}) {
            int[] bytes = bpe.utf8Ids(s, 0, s.length());
            assertArrayEquals(bpe.mergeByHeap(bytes.clone()), bpe.mergeByScan(bytes.clone()), s);
        }
    }
}
