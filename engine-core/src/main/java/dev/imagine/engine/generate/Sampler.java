package dev.imagine.engine.generate;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
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
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private final int vocab;
    private final float[] weight;
    private final int[] order;
    private final double[] bucketMass = new double[BUCKETS];
    private final long[] bucketCount = new long[BUCKETS];
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
        float max = max(logits, base);
        if (!Float.isFinite(max)) throw new IllegalStateException("logits row " + row + " has a maximum of " + max + " (NaN or infinite logits)");
        int argmax = 0;
        while (logits.getAtIndex(ValueLayout.JAVA_FLOAT, base + argmax) != max) argmax++; // first index of the max
        double logZ = max + Math.log(sumExp(logits, base, max, 1.0f, false));
        int token = p.isGreedy() ? argmax : sampleFiltered(logits, base, max, p, rng);
        lastLogprob = (float) (logits.getAtIndex(ValueLayout.JAVA_FLOAT, base + token) - logZ);
        return token;
    }

    private int sampleFiltered(MemorySegment logits, long base, float max, SamplingParams p, RandomGenerator rng) {
        int kept = filter(logits, base, max, p);
        double total = 0;
        for (int i = 0; i < kept; i++) total += weight[order[i]];
        double r = rng.nextDouble() * total;
        double cumulative = 0;
        for (int i = 0; i < kept; i++) {
            cumulative += weight[order[i]];
            if (r < cumulative) return order[i];
        }
        return order[kept - 1]; // rounding left r at the very top
    }

    /** max_i logits[base + i]. */
    private float max(MemorySegment logits, long base) {
        int i = 0;
        float max = Float.NEGATIVE_INFINITY;
        if (logits.isNative()) {
            FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int bound = S.loopBound(vocab); i < bound; i += S.length()) {
                m = m.max(FloatVector.fromMemorySegment(S, logits, (base + i) * 4, ByteOrder.nativeOrder()));
            }
            max = m.reduceLanes(VectorOperators.MAX);
        }
        for (; i < vocab; i++) max = Math.max(max, logits.getAtIndex(ValueLayout.JAVA_FLOAT, base + i));
        return max;
    }

    /**
     * Σ_i exp((l_i - max)·scale) over logits[base .. base+vocab); also stores each term in weight[] when asked.
     * On native segments the exponentials run on the Vector API (a few times faster than Math.exp per token).
     */
    private double sumExp(MemorySegment logits, long base, float max, float scale, boolean store) {
        int i = 0;
        double sum = 0;
        if (logits.isNative()) {
            FloatVector acc = FloatVector.zero(S);
            FloatVector m = FloatVector.broadcast(S, max), sc = FloatVector.broadcast(S, scale);
            for (int bound = S.loopBound(vocab); i < bound; i += S.length()) {
                FloatVector e = FloatVector.fromMemorySegment(S, logits, (base + i) * 4, ByteOrder.nativeOrder())
                        .sub(m).mul(sc).lanewise(VectorOperators.EXP);
                if (store) e.intoArray(weight, i);
                acc = acc.add(e);
            }
            sum = acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < vocab; i++) {
            float e = (float) Math.exp((logits.getAtIndex(ValueLayout.JAVA_FLOAT, base + i) - max) * scale);
            if (store) weight[i] = e;
            sum += e;
        }
        return sum;
    }

    /** The tokens the filters keep for logits[row, :], in no promised order (for tests). */
    int[] keptTokens(MemorySegment logits, int row, SamplingParams p) {
        long base = (long) row * vocab;
        return java.util.Arrays.copyOf(order, filter(logits, base, max(logits, base), p));
    }

    /** Fills weight[] and puts the kept tokens in order[0..kept); returns kept. */
    private int filter(MemorySegment logits, long base, float max, SamplingParams p) {
        // unnormalised probabilities at the temperature: w_i = exp((l_i - max)/T), so the largest is 1
        sumExp(logits, base, max, (float) (1.0 / p.temperature()), true);
        for (int i = 0; i < vocab; i++) order[i] = i;
        int n = vocab;
        boolean topK = p.topK() > 0 && p.topK() < vocab;
        if (topK || p.topP() < 1) {
            // order[0..sure) outrank every other token; order[sure..n) hold the boundary buckets, the only ones sorted
            n = candidates(p);
            int sure = sureCount;
            sortDescending(order, sure, n - 1);
            if (topK) {
                n = Math.min(n, p.topK());
                if (p.topP() < 1) sortDescending(order, 0, sure - 1); // the prefix walk below needs the top k in order
            }
            if (p.topP() < 1) {
                double total = 0;
                if (topK) {
                    for (int i = 0; i < n; i++) total += weight[order[i]];
                } else {
                    for (int i = 0; i < vocab; i++) total += weight[i];
                }
                double cumulative = 0;
                int keep = 0;
                if (!topK) { // the sure tokens all stay (their mass is below top-p); walk only the sorted boundary
                    for (; keep < sure; keep++) cumulative += weight[order[keep]];
                }
                while (keep < n) {
                    cumulative += weight[order[keep++]];
                    if (cumulative >= p.topP() * total) break;
                }
                n = keep;
            }
        }
        // min-p: keep tokens with probability >= minP · (largest probability), i.e. w_i >= minP since max w is 1
        int kept = 0;
        for (int i = 0; i < n; i++) {
            int id = order[i];
            if (weight[id] >= p.minP()) order[kept++] = id;
        }
        return kept;
    }

    /**
     * Finds the tokens that can make the top-k (or, without top-k, the top-p nucleus) without sorting the vocabulary:
     * a histogram over buckets of the weight (64 per octave; larger weight → smaller bucket) finds bucket b where the
     * count reaches k (or the mass reaches p·total). Tokens of buckets before b surely belong: they go to
     * order[0..sureCount), unsorted. Tokens of buckets b and b+1 (one bucket of slack against rounding in the sums)
     * follow and are the only ones that need sorting. Exact, because buckets are monotone in the weight.
     * Returns the number of candidates.
     */
    private int candidates(SamplingParams p) {
        java.util.Arrays.fill(bucketMass, 0);
        java.util.Arrays.fill(bucketCount, 0);
        double total = 0;
        for (int i = 0; i < vocab; i++) {
            int b = bucket(weight[i]);
            bucketMass[b] += weight[i];
            bucketCount[b]++;
            total += weight[i];
        }
        boolean byCount = p.topK() > 0 && p.topK() < vocab;
        int boundary = BUCKETS - 1;
        double mass = 0;
        long count = 0;
        for (int b = 0; b < BUCKETS; b++) {
            if (byCount ? count + bucketCount[b] >= p.topK() : mass + bucketMass[b] >= p.topP() * total) {
                boundary = b;
                break;
            }
            mass += bucketMass[b];
            count += bucketCount[b];
        }
        // mass before the boundary this close to the threshold: rounding could put the cut among the sure tokens
        boolean sortAll = !byCount && mass >= p.topP() * total * (1 - 1e-9);
        int last = Math.min(BUCKETS - 1, boundary + 1);
        int sure = 0;
        if (!sortAll) {
            for (int i = 0; i < vocab; i++) if (bucket(weight[i]) < boundary) order[sure++] = i;
        }
        int n = sure;
        for (int i = 0; i < vocab; i++) {
            int b = bucket(weight[i]);
            if (b <= last && (sortAll || b >= boundary)) order[n++] = i;
        }
        sureCount = sure;
        return n;
    }

    /** Set by {@link #candidates}: how many leading tokens of order[] need no sorting. */
    private int sureCount;

    private static final int BUCKETS = 64 * 160;

    /** 0 for the largest weights (w ≤ 1), growing as w shrinks; monotone non-increasing in w. */
    private static int bucket(float w) {
        if (!(w > 0)) return BUCKETS - 1;
        int bits = Float.floatToRawIntBits(w);
        int exponent = -Math.getExponent(w);           // 0 for w in [1, 2), up to 127 for subnormals
        int sixtyFourth = 63 - ((bits >>> 17) & 63);    // top six mantissa bits: larger mantissa → smaller index
        return Math.min(BUCKETS - 1, Math.max(0, exponent * 64 + sixtyFourth));
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
