package dev.imagine.engine.generate;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplerTest {
    /** logits = log(probabilities), so the softmax gives them back. */
    private static MemorySegment logitsOf(double... probabilities) {
        float[] l = new float[probabilities.length];
        for (int i = 0; i < l.length; i++) l[i] = (float) Math.log(probabilities[i]);
        return MemorySegment.ofArray(l);
    }

    private static int[] histogram(MemorySegment logits, int vocab, SamplingParams p, int draws) {
        Sampler s = new Sampler(vocab);
        SplittableRandom rng = new SplittableRandom(p.seed());
        int[] h = new int[vocab];
        for (int i = 0; i < draws; i++) h[s.sample(logits, 0, p, rng)]++;
        return h;
    }

    @Test
    void greedyPicksTheArgmaxAndReportsItsLogSoftmax() {
        Sampler s = new Sampler(3);
        int token = s.sample(MemorySegment.ofArray(new float[]{1f, 3f, 2f}), 0, SamplingParams.greedy(), new SplittableRandom(1));
        assertEquals(1, token);
        double expected = 3 - Math.log(Math.exp(1) + Math.exp(3) + Math.exp(2));
        assertEquals(expected, s.lastLogprob(), 1e-6);
    }

    @Test
    void temperatureOneSamplesTheDistribution() {
        int[] h = histogram(logitsOf(0.5, 0.25, 0.25), 3, new SamplingParams(1, 0, 1, 0, 3), 20000);
        assertEquals(0.5, h[0] / 20000.0, 0.02);
        assertEquals(0.25, h[1] / 20000.0, 0.02);
    }

    @Test
    void filtersKeepOnlyTheirTokens() {
        MemorySegment l = logitsOf(0.4, 0.3, 0.2, 0.1);
        int[] topK = histogram(l, 4, new SamplingParams(1, 2, 1, 0, 5), 2000);
        assertEquals(0, topK[2] + topK[3]);
        assertTrue(topK[0] > 0 && topK[1] > 0);
        int[] topP = histogram(l, 4, new SamplingParams(1, 0, 0.65, 0, 5), 2000); // 0.4 + 0.3 reaches 0.65
        assertEquals(0, topP[2] + topP[3]);
        int[] minP = histogram(l, 4, new SamplingParams(1, 0, 1, 0.6, 5), 2000); // keeps p >= 0.24
        assertEquals(0, minP[2] + minP[3]);
        int[] all = histogram(l, 4, new SamplingParams(1, 0, 1, 0, 5), 4000);
        assertTrue(all[3] > 0);
    }

    @Test
    void sameSeedSameDrawsAndLogprobIsOfTheRawDistribution() {
        MemorySegment l = logitsOf(0.4, 0.3, 0.2, 0.1);
        SamplingParams p = new SamplingParams(0.7, 0, 0.9, 0.05, 11);
        assertEquals(java.util.Arrays.toString(histogram(l, 4, p, 500)), java.util.Arrays.toString(histogram(l, 4, p, 500)));
        Sampler s = new Sampler(4);
        int t = s.sample(l, 0, p, new SplittableRandom(1));
        assertEquals(Math.log(new double[]{0.4, 0.3, 0.2, 0.1}[t]), s.lastLogprob(), 1e-5);
    }

    /** The bucketed candidate search keeps exactly what a full sort keeps. */
    @Test
    void filtersMatchABruteForceFullSort() {
        int vocab = 5000;
        SplittableRandom rng = new SplittableRandom(17);
        for (int trial = 0; trial < 60; trial++) {
            float[] l = new float[vocab];
            double spread = trial % 7 == 0 ? 0.05 : 1 + rng.nextDouble() * 12; // near-uniform, like an untrained model, or peaked
            for (int i = 0; i < vocab; i++) l[i] = (float) (rng.nextGaussian() * spread);
            if (trial % 5 == 0) for (int i = 0; i < vocab; i += 7) l[i] = l[0]; // ties
            double temperature = 0.3 + rng.nextDouble() * 1.5;
            int topK = trial % 3 == 0 ? 0 : 1 + rng.nextInt(300);
            double topP = trial % 4 == 0 ? 1.0 : 0.05 + rng.nextDouble() * 0.94;
            double minP = trial % 2 == 0 ? 0 : rng.nextDouble() * 0.2;
            SamplingParams p = new SamplingParams(temperature, topK, topP, minP, 1);
            int[] got = new Sampler(vocab).keptTokens(MemorySegment.ofArray(l), 0, p);
            java.util.Arrays.sort(got);
            assertEquals(java.util.Arrays.toString(bruteForce(l, p)), java.util.Arrays.toString(got), "trial " + trial);
        }
    }

    private static int[] bruteForce(float[] l, SamplingParams p) {
        int vocab = l.length;
        float max = Float.NEGATIVE_INFINITY;
        for (float f : l) max = Math.max(max, f);
        float[] w = new float[vocab];
        for (int i = 0; i < vocab; i++) w[i] = (float) Math.exp((l[i] - max) / p.temperature());
        Integer[] ids = new Integer[vocab];
        for (int i = 0; i < vocab; i++) ids[i] = i;
        java.util.Arrays.sort(ids, (a, b) -> w[a] != w[b] ? Float.compare(w[b], w[a]) : Integer.compare(a, b));
        int n = p.topK() > 0 ? Math.min(p.topK(), vocab) : vocab;
        if (p.topP() < 1) {
            double total = 0;
            if (p.topK() > 0) for (int i = 0; i < n; i++) total += w[ids[i]];
            else for (int i = 0; i < vocab; i++) total += w[i];
            double c = 0;
            int keep = 0;
            while (keep < n) {
                c += w[ids[keep++]];
                if (c >= p.topP() * total) break;
            }
            n = keep;
        }
        return java.util.Arrays.stream(ids, 0, n).filter(i -> w[i] >= p.minP()).mapToInt(Integer::intValue).sorted().toArray();
    }
}
