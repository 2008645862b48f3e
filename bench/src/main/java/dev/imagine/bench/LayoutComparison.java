package dev.imagine.bench;

import dev.imagine.engine.EngineException;
import dev.imagine.engine.cpu.CpuBackend;
import dev.imagine.engine.generate.GenerationRequest;
import dev.imagine.engine.generate.Generator;
import dev.imagine.engine.generate.SamplingParams;
import dev.imagine.engine.kv.KvCache;
import dev.imagine.engine.load.Qwen3Weights;
import dev.imagine.engine.model.Qwen3Model;
import dev.imagine.engine.tensor.DType;
import dev.imagine.engine.tensor.Tensor;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The blocked weight layouts against row-major, both copies of one model loaded in one process and their runs
 * interleaved, reported as paired ratios. On a shared host the speed of one process against the next swings by
 * ±25 % within minutes; comparing runs taken seconds apart in the same process cancels most of that (the
 * fifteenth session: a prefill change that won three process-alternated `imagine bench` rounds by 25-50 % lost
 * 24 of 28 paired runs in one process, median ratio 0.93).
 *
 * <p>Where {@code imagine model block}'s file is there, the blocked copy is mapped from it (the same speed as the
 * copies a load makes; RESULTS item 40) and the row-major one is the file's own mapping.
 *
 * <p>Each round runs, for each copy (which copy goes first alternates by round): a prefill of the prompt with
 * decode at batch 1, and decode of 8 completions sharing the prompt. Two warm-up rounds are not counted.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar
 * dev.imagine.bench.LayoutComparison MODEL [rounds] [promptTokens] [genTokens]}
 */
public final class LayoutComparison {
    private static final String[] PROPERTIES = {"imagine.weights.blockBf16", "imagine.weights.blockQ8"};
    private static final String[] MEASURES = {"prefill tok/s", "decode x1 tok/s", "decode x8 tok/s"};
    static final int WARM_UP_ROUNDS = 2;

    private LayoutComparison() {
    }

    /** rates[layout][measure][round]: layout 0 row-major, 1 blocked; measures as {@link #MEASURES}. */
    record Result(double[][][] rates, int blockedMatrices) {
        /** Blocked over row-major for each round of one measure, in round order. */
        double[] ratios(int measure) {
            double[] r = new double[rates[0][measure].length];
            for (int i = 0; i < r.length; i++) r[i] = rates[1][measure][i] / rates[0][measure][i];
            return r;
        }
    }

    /**
     * Loads model twice (row-major; blocked with the blocking properties set to blocking, "true" or "always") and
     * times rounds interleaved rounds after the warm-up. Throws IllegalArgumentException when nothing gets blocked
     * (no BF16 or Q8_0 matrix that fits, or vectors narrower than 512 bits with blocking "true").
     */
    static Result compare(Path model, String blocking, int rounds, int promptTokens, int genTokens, PrintStream progress) {
        if (rounds < 1 || promptTokens < 1 || genTokens < 1) throw new IllegalArgumentException("rounds, prompt and generated tokens must be >= 1");
        String[] before = new String[PROPERTIES.length];
        for (int i = 0; i < PROPERTIES.length; i++) before[i] = System.getProperty(PROPERTIES[i]);
        Qwen3Weights rowMajor = null, blocked = null;
        try {
            for (String p : PROPERTIES) System.setProperty(p, "false");
            rowMajor = Qwen3Weights.open(model);
            for (String p : PROPERTIES) System.setProperty(p, blocking);
            blocked = Qwen3Weights.open(model);
            int n = blockedMatrices(blocked);
            if (n == 0) {
                throw new IllegalArgumentException(model + ": no matrix was blocked (the layouts take BF16 and Q8_0 matrices of whole blocks of 32 rows, "
                        + "and run at full speed only on 512-bit vectors: this JVM's are " + CpuBackend.vectorBits() + " bits)");
            }
            int[] prompt = new int[promptTokens];
            SplittableRandom rnd = new SplittableRandom(1);
            for (int i = 0; i < prompt.length; i++) prompt[i] = rnd.nextInt(rowMajor.config().vocabSize());
            double[][][] rates = new double[2][MEASURES.length][rounds];
            for (int r = 0; r < WARM_UP_ROUNDS + rounds; r++) {
                if (progress != null) progress.printf("layouts: round %d of %d%s%n", r + 1, WARM_UP_ROUNDS + rounds, r < WARM_UP_ROUNDS ? " (warm-up)" : "");
                for (int k = 0; k < 2; k++) {
                    int layout = (r + k) % 2; // which layout runs first alternates
                    Qwen3Weights w = layout == 0 ? rowMajor : blocked;
                    Generator.Stats one = generate(w, prompt, 1, genTokens), eight = generate(w, prompt, 8, genTokens);
                    if (r < WARM_UP_ROUNDS) continue;
                    rates[layout][0][r - WARM_UP_ROUNDS] = promptTokens * 1e9 / one.prefillNanos();
                    rates[layout][1][r - WARM_UP_ROUNDS] = one.decodeTokensPerSecond();
                    rates[layout][2][r - WARM_UP_ROUNDS] = eight.decodeTokensPerSecond();
                }
            }
            return new Result(rates, n);
        } finally {
            for (int i = 0; i < PROPERTIES.length; i++) {
                if (before[i] == null) System.clearProperty(PROPERTIES[i]);
                else System.setProperty(PROPERTIES[i], before[i]);
            }
            if (rowMajor != null) rowMajor.close();
            if (blocked != null) blocked.close();
        }
    }

    private static int blockedMatrices(Qwen3Weights w) {
        int n = 0;
        for (Qwen3Weights.Layer l : w.layers()) {
            for (Tensor t : List.of(l.wq(), l.wk(), l.wv(), l.wo(), l.wGate(), l.wUp(), l.wDown())) {
                if (t.dtype() == DType.BF16_BLOCKED || t.dtype() == DType.Q8_0_BLOCKED) n++;
            }
        }
        return n;
    }

    private static Generator.Stats generate(Qwen3Weights w, int[] prompt, int n, int tokens) {
        GenerationRequest req = new GenerationRequest(prompt, n, SamplingParams.greedy(), tokens, new int[0], List.of());
        int blockSize = 16;
        try (KvCache cache = new KvCache(w.config(), blockSize, Generator.blocksNeeded(List.of(req), blockSize), DType.F32);
             Qwen3Model m = new Qwen3Model(w, new CpuBackend(), cache)) {
            Generator g = new Generator(m);
            g.generate(List.of(req));
            return g.stats();
        }
    }

    /** One line per measure: both layouts' medians and ranges, the median paired ratio, and how many rounds blocked won. */
    static String report(Result r) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%d layer matrices blocked; %d rounds, runs interleaved in one process%n", r.blockedMatrices(), r.rates()[0][0].length));
        for (int m = 0; m < MEASURES.length; m++) {
            double[] ratio = r.ratios(m);
            int wins = 0;
            for (double x : ratio) if (x > 1) wins++;
            s.append(String.format(Locale.ROOT, "%-16s row-major %s, blocked %s; blocked / row-major median %.3f %s, blocked faster in %d of %d%n",
                    MEASURES[m], medianAndRange(r.rates()[0][m]), medianAndRange(r.rates()[1][m]), median(ratio), range(ratio), wins, ratio.length));
        }
        return s.toString();
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static String range(double[] v) {
        return String.format(Locale.ROOT, "[%.3f-%.3f]", Arrays.stream(v).min().orElseThrow(), Arrays.stream(v).max().orElseThrow());
    }

    private static String medianAndRange(double[] v) {
        return String.format(Locale.ROOT, "%.1f [%.1f-%.1f]", median(v), Arrays.stream(v).min().orElseThrow(), Arrays.stream(v).max().orElseThrow());
    }

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: LayoutComparison MODEL [rounds=12] [promptTokens=128] [genTokens=32]");
            System.exit(2);
        }
        try {
            int rounds = args.length > 1 ? count(args[1], "rounds") : 12;
            int prompt = args.length > 2 ? count(args[2], "promptTokens") : 128, gen = args.length > 3 ? count(args[3], "genTokens") : 32;
            System.out.print(report(compare(Path.of(args[0]), "true", rounds, prompt, gen, System.err)));
        } catch (IllegalArgumentException | EngineException e) { // bad arguments, or a model file that cannot be read
            System.err.println("LayoutComparison: " + e.getMessage());
            System.exit(1);
        }
    }

    private static int count(String arg, String name) {
        try {
            return Integer.parseInt(arg);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got '" + arg + "'");
        }
    }
}
