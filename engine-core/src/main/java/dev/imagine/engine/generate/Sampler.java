package dev.imagine.engine.generate;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.random.RandomGenerator;

/**
 * Picks a token from one row of logits and reports its log-probability. The log-probability is that of the
 * model's own distribution: log-softmax of the raw logits (temperature 1, no filters), which is what a GRPO
 * trainer recomputes from the same weights. Scratch arrays are reused: no allocation per token.
 * Not thread-safe.
 *
 * <p>Usage: {@code int id = sampler.sample(logits, row, params, rng); float lp = sampler.lastLogprob();}
 */
public final class Sampler {
    private final int vocab;
    private final float[] weight;
    private final int[] order;
    private float lastLogprob;

    public Sampler(int vocab) {
        this.vocab = vocab;
        this.weight = new float[vocab];
        this.order = new int[vocab];
    }

    /** Log-probability (raw logits, temperature 1) of the token last returned by {@link #sample}. */
    public float lastLogprob() {
        return lastLogprob;
    }

    /** Samples from logits[row, :] ({@code [rows, vocab]} f32). */
    public int sample(MemorySegment logits, int row, SamplingParams p, RandomGenerator rng) {
        long base = (long) row * vocab;
        float max = Float.NEGATIVE_INFINITY;
        int argmax = 0;
        for (int i = 0; i < vocab; i++) {
            float l = logits.getAtIndex(ValueLayout.JAVA_FLOAT, base + i);
            if (l > max) {
                max = l;
                argmax = i;
            }
        }
        double sumExp = 0;
        for (int i = 0; i < vocab; i++) sumExp += Math.exp(logits.getAtIndex(ValueLayout.JAVA_FLOAT, base + i) - max);
        double logZ = max + Math.log(sumExp);
        int token = p.isGreedy() ? argmax : sampleFiltered(logits, base, max, p, rng);
        lastLogprob = (float) (logits.getAtIndex(ValueLayout.JAVA_FLOAT, base + token) - logZ);
        return token;
    }

    private int sampleFiltered(MemorySegment logits, long base, float max, SamplingParams p, RandomGenerator rng) {
        // unnormalised probabilities at the temperature: w_i = exp((l_i - max)/T), so the largest is 1
        double invT = 1.0 / p.temperature();
        for (int i = 0; i < vocab; i++) {
            weight[i] = (float) Math.exp((logits.getAtIndex(ValueLayout.JAVA_FLOAT, base + i) - max) * invT);
            order[i] = i;
        }
        int n = vocab;
        if ((p.topK() > 0 && p.topK() < vocab) || p.topP() < 1) {
            sortDescending(order, 0, n - 1);
            if (p.topK() > 0 && p.topK() < n) n = p.topK();
            if (p.topP() < 1) {
                double total = 0;
                for (int i = 0; i < n; i++) total += weight[order[i]];
                double cumulative = 0;
                int keep = 0;
                while (keep < n) {
                    cumulative += weight[order[keep++]];
                    if (cumulative >= p.topP() * total) break;
                }
                n = keep;
            }
        }
        // min-p: keep tokens with probability >= minP · (largest probability), i.e. w_i >= minP since max w is 1
        double total = 0;
        int kept = 0;
        for (int i = 0; i < n; i++) {
            int id = order[i];
            if (weight[id] >= p.minP()) {
                order[kept++] = id;
                total += weight[id];
            }
        }
        double r = rng.nextDouble() * total;
        double cumulative = 0;
        for (int i = 0; i < kept; i++) {
            cumulative += weight[order[i]];
            if (r < cumulative) return order[i];
        }
        return order[kept - 1]; // rounding left r at the very top
    }

    /** Quicksort of ids by weight, largest first, lower id first on ties (deterministic). */
    private void sortDescending(int[] a, int lo, int hi) {
        while (hi - lo > 16) {
            int mid = (lo + hi) >>> 1;
            int pivot = a[mid];
            int i = lo, j = hi;
            while (i <= j) {
                while (before(a[i], pivot)) i++;
                while (before(pivot, a[j])) j--;
                if (i <= j) {
                    int t = a[i];
                    a[i++] = a[j];
                    a[j--] = t;
                }
            }
            if (j - lo < hi - i) { // recurse into the smaller half: bounded stack depth
                sortDescending(a, lo, j);
                lo = i;
            } else {
                sortDescending(a, i, hi);
                hi = j;
            }
        }
        for (int i = lo + 1; i <= hi; i++) {
            int v = a[i], j = i - 1;
            while (j >= lo && before(v, a[j])) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = v;
        }
    }

    private boolean before(int x, int y) {
        return weight[x] > weight[y] || (weight[x] == weight[y] && x < y);
    }
}
