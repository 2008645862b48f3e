package dev.imagine.engine.generate;

import dev.imagine.engine.cpu.CpuBackend;
import dev.imagine.engine.cpu.FmaThroughput;
import dev.imagine.engine.cpu.Matmul;
import dev.imagine.engine.cpu.MemoryBandwidth;
import dev.imagine.engine.cpu.WorkerPool;
import dev.imagine.engine.kv.KvCache;
import dev.imagine.engine.load.Qwen3Config;
import dev.imagine.engine.load.Qwen3Weights;
import dev.imagine.engine.model.Qwen3Model;
import dev.imagine.engine.model.TimedBackend;
import dev.imagine.engine.tensor.DType;
import dev.imagine.engine.tensor.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * End-to-end speed of the engine on one model: load, prefill, decode at batch 1 and batched decode of n
 * completions sharing one prompt, next to the machine's two ceilings measured in the same process (streaming
 * read bandwidth, f32 FMA throughput; each measured before and after the timed runs, the better kept). Prompts
 * are random token ids (seeded); generation is greedy with no EOS, so every run produces exactly the requested
 * number of tokens.
 *
 * <p>Usage: {@code SpeedBenchmark.Report r = SpeedBenchmark.run(path, new SpeedBenchmark.Options(128, 64, new int[]{1, 8}, 2, 0, 1L << 30), System.err);}
 */
public final class SpeedBenchmark {
    /**
     * What to run: prompt length, tokens per completion, the batch sizes for batched decode, threads, prompt seed,
     * the size of the buffer streamed for the bandwidth ceiling (much larger than the caches: 1 GiB), how many
     * times each measurement runs (the report gives the median; on a shared machine single runs vary by ±20 %), and
     * the KV cache's dtype (F32 or BF16; BF16 halves what attention reads).
     */
    public record Options(int promptTokens, int genTokens, int[] batches, int threads, long seed, long bandwidthBytes, int repeats,
                          DType kvCache) {
        public Options(int promptTokens, int genTokens, int[] batches, int threads, long seed, long bandwidthBytes) {
            this(promptTokens, genTokens, batches, threads, seed, bandwidthBytes, 3);
        }

        /** An F32 KV cache, as {@code imagine generate} uses by default. */
        public Options(int promptTokens, int genTokens, int[] batches, int threads, long seed, long bandwidthBytes, int repeats) {
            this(promptTokens, genTokens, batches, threads, seed, bandwidthBytes, repeats, DType.F32);
        }

        public Options {
            if (kvCache != DType.F32 && kvCache != DType.BF16) throw new IllegalArgumentException("the KV cache dtype must be F32 or BF16, not " + kvCache);
            if (repeats < 1) throw new IllegalArgumentException("repeats must be >= 1, got " + repeats);
            if (bandwidthBytes < 1 << 20) throw new IllegalArgumentException("the bandwidth buffer must be at least 1 MiB");
            if (promptTokens < 1 || genTokens < 1) throw new IllegalArgumentException("prompt and generated tokens must be >= 1");
            if (threads < 1 || threads > 31) throw new IllegalArgumentException("threads must be 1..31, got " + threads);
            batches = batches.clone();
            for (int b : batches) if (b < 1) throw new IllegalArgumentException("batch sizes must be >= 1, got " + b);
        }
    }

    /**
     * Results. weightsCopiedBytes: the matrices copied out of the file at load, BF16 into the kernels' blocked layout
     * and others not on a page into page-aligned memory (0: all mapped; see {@link Qwen3Weights}); loadSeconds
     * includes the copying. blockedMappedBytes: blocked matrices mapped from {@code imagine model block}'s file
     * instead ({@link dev.imagine.engine.load.BlockedWeightsFile}). Rates are tokens per second;
     * batchedDecodeTokensPerS maps batch size to aggregate tokens/s over all completions. bytesReadPerToken counts
     * the weights one decode step streams (every matrix once, embedding row and norms ignored; KV cache reads
     * excluded, a few percent at these lengths).
     * rooflineFraction = decodeTokensPerS · bytesReadPerToken / bandwidth (the best stream of before and after all runs);
     * decodeBandwidthGbPerS gives, per batch-1 run, the mean of the best streams just before and just after it, and
     * rooflineFractionPaired is the median over those runs of decode rate · bytesReadPerToken / that run's bandwidth:
     * on a shared host the bandwidth swings 2× within minutes, and a rate divided by a ceiling taken at another
     * moment understates (or overstates) how close decode runs to it. prefillFmaFraction = prefill f32
     * FLOP/s (2 per weight per token) / measured FMA peak. cpuShare = process CPU time / (wall time × threads)
     * over the timed generation runs: well below 1 means other processes took the cores and every rate above
     * is low by about that factor. Rates are medians over the repeats; {@code runs} keeps every run's rate per
     * measurement ("prefill", "decode", "batch N"). timeShares, per measurement, gives the share of its wall time
     * (all repeats together) that each kind of operation took ({@link TimedBackend.Op}, lower case) and "other"
     * for the rest (sampling, batch bookkeeping, RoPE angles); "batch N" covers its decode steps only.
     */
    public record Report(String model, String weightType, String kvCache, int threads, int promptTokens, int genTokens,
                         double loadSeconds, long weightsCopiedBytes, long blockedMappedBytes, double prefillTokensPerS, double decodeTokensPerS,
                         Map<Integer, Double> batchedDecodeTokensPerS, long rssBytes, long bytesReadPerToken,
                         double memoryBandwidthGbPerS, double rooflineFraction, double fmaPeakGflops,
                         double prefillGflops, double prefillFmaFraction, double cpuShare, Map<String, double[]> runs,
                         Map<String, Map<String, Double>> timeShares, String cpu, int vectorBits, int vectorRegisters,
                         double[] decodeBandwidthGbPerS, double rooflineFractionPaired) {
    }

    private SpeedBenchmark() {
    }

    public static Report run(Path modelPath, Options o, PrintStream progress) {
        WorkerPool.setCommonThreads(o.threads());
        WorkerPool pool = WorkerPool.common();
        progress.printf("bench: loading %s%n", modelPath);
        long loadStart = System.nanoTime();
        try (Qwen3Weights w = Qwen3Weights.open(modelPath)) {
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            Qwen3Config c = w.config();
            int[] prompt = new int[o.promptTokens()];
            SplittableRandom rnd = new SplittableRandom(o.seed());
            for (int i = 0; i < prompt.length; i++) prompt[i] = rnd.nextInt(c.vocabSize());

            progress.printf("bench: warm-up (compiles the kernels)%n");
            long warm = System.nanoTime();
            Matmul.warmUp(pool);
            progress.printf("bench:   kernels compiled in %.1f s%n", (System.nanoTime() - warm) / 1e9);
            // The model's own loops (attention, norms, sampling) compile only after many calls: warm them up on
            // the measured shapes, or the timed runs include the JIT (0.6B BF16: decode 7.5 → 9.4 tok/s, prefill 58 → 96).
            progress.printf("bench: warm-up run of the measured shapes%n");
            generate(w, prompt, 1, Math.min(o.genTokens(), 32), o.kvCache(), new TimedBackend(new CpuBackend()));
            generate(w, prompt, 2, 8, o.kvCache(), new TimedBackend(new CpuBackend()));

            // The ceilings are measured before and after the timed runs and the better of each kept: a ceiling is
            // what the machine can do, and one measurement alone, taken while another tenant loaded the host, once
            // read 16.7 GB/s where the runs around it read 27-32 (and put decode at 1.17 of the "roofline").
            double[] before = ceilings(pool, o, progress);
            long bytes = weightBytesPerToken(w);

            long cpu0 = processCpuNanos(), wall0 = System.nanoTime();
            Map<String, double[]> runs = new LinkedHashMap<>();
            Map<String, Shares> shares = new LinkedHashMap<>();
            shares.put("prefill", new Shares());
            shares.put("decode", new Shares());
            double[] prefills = new double[o.repeats()], decodes = new double[o.repeats()];
            double[] decodeBandwidth = new double[o.repeats()], paired = new double[o.repeats()];
            try (Arena streamArena = Arena.ofShared()) {
                MemorySegment stream = MemoryBandwidth.allocate(streamArena, o.bandwidthBytes());
                for (int r = 0; r < o.repeats(); r++) {
                    progress.printf("bench: prefill %d tokens + decode %d tokens at batch 1 (run %d of %d)%n", o.promptTokens(), o.genTokens(), r + 1, o.repeats());
                    double streamBefore = MemoryBandwidth.bestGbPerS(pool, stream, 2);
                    TimedBackend timed = new TimedBackend(new CpuBackend());
                    Generator.Stats single = generate(w, prompt, 1, o.genTokens(), o.kvCache(), timed);
                    double streamAfter = MemoryBandwidth.bestGbPerS(pool, stream, 2);
                    shares.get("prefill").add(timed, TimedBackend.Phase.PREFILL, single.prefillNanos());
                    shares.get("decode").add(timed, TimedBackend.Phase.DECODE, single.decodeNanos());
                    prefills[r] = single.promptTokens() * 1e9 / single.prefillNanos();
                    decodes[r] = single.decodeTokensPerSecond();
                    decodeBandwidth[r] = (streamBefore + streamAfter) / 2;
                    paired[r] = decodes[r] * bytes / (decodeBandwidth[r] * 1e9);
                    progress.printf("bench:   prefill %.1f tokens/s, decode %.2f tokens/s (%.0f%% of the %.1f GB/s streamed around it)%n",
                            prefills[r], decodes[r], 100 * paired[r], decodeBandwidth[r]);
                }
            }
            runs.put("prefill", prefills);
            runs.put("decode", decodes);
            double prefill = median(prefills), decode = median(decodes);

            Map<Integer, Double> batched = new LinkedHashMap<>();
            for (int b : o.batches()) {
                if (b == 1) {
                    batched.put(1, decode);
                    continue;
                }
                double[] rates = new double[o.repeats()];
                for (int r = 0; r < o.repeats(); r++) {
                    progress.printf("bench: batched decode, %d completions of %d tokens sharing the prompt (run %d of %d)%n", b, o.genTokens(), r + 1, o.repeats());
                    TimedBackend timed = new TimedBackend(new CpuBackend());
                    Generator.Stats stats = generate(w, prompt, b, o.genTokens(), o.kvCache(), timed);
                    rates[r] = stats.decodeTokensPerSecond();
                    shares.computeIfAbsent("batch " + b, k -> new Shares()).add(timed, TimedBackend.Phase.DECODE, stats.decodeNanos());
                    progress.printf("bench:   %.2f tokens/s in aggregate (%.2fx batch 1)%n", rates[r], rates[r] / decode);
                }
                runs.put("batch " + b, rates);
                batched.put(b, median(rates));
            }
            double cpuShare = (processCpuNanos() - cpu0) / (double) (System.nanoTime() - wall0) / o.threads();
            long rss = residentBytes();

            double[] after = ceilings(pool, o, progress);
            double bandwidth = Math.max(before[0], after[0]), fma = Math.max(before[1], after[1]);
            progress.printf("bench: ceilings before / after the runs: %.1f / %.1f GB/s, %.0f / %.0f GFLOP/s (the better kept)%n",
                    before[0], after[0], before[1], after[1]);

            double prefillGflops = 2.0 * matrixWeights(w) * prefill / 1e9;
            return new Report(modelPath.toString(), weightType(w), o.kvCache().name(), o.threads(), o.promptTokens(), o.genTokens(),
                    loadSeconds, w.copiedBytes(), w.blockedMappedBytes(), prefill, decode, batched, rss, bytes, bandwidth,
                    decode * bytes / (bandwidth * 1e9), fma, prefillGflops, prefillGflops / fma, cpuShare, runs,
                    Shares.fractions(shares), cpuModel(), CpuBackend.vectorBits(), CpuBackend.vectorRegisters(),
                    decodeBandwidth, median(paired));
        }
    }

    /** The two ceilings, in this process: {best streaming read GB/s, best f32 FMA GFLOP/s}. */
    private static double[] ceilings(WorkerPool pool, Options o, PrintStream progress) {
        progress.printf("bench: measuring memory bandwidth (streaming read of %d MiB on %d threads)%n", o.bandwidthBytes() >> 20, o.threads());
        MemoryBandwidth.Result bw = MemoryBandwidth.measure(pool, o.bandwidthBytes(), 5);
        progress.printf("bench: measuring f32 FMA peak on %d threads%n", o.threads());
        double fma = 0;
        for (int i = 0; i < 3; i++) fma = Math.max(fma, FmaThroughput.measure(pool, 20_000_000L).gflops());
        return new double[]{bw.bestGbPerS(), fma};
    }

    /** Operation time of one measurement summed over its runs, and the runs' wall time. */
    private static final class Shares {
        final long[] nanos = new long[TimedBackend.Op.values().length];
        long wall;

        void add(TimedBackend timed, TimedBackend.Phase phase, long wallNanos) {
            for (TimedBackend.Op op : TimedBackend.Op.values()) nanos[op.ordinal()] += timed.nanos(phase, op);
            wall += wallNanos;
        }

        /** Per measurement: op name (lower case) → share of the wall time, then "other" for the rest. */
        static Map<String, Map<String, Double>> fractions(Map<String, Shares> all) {
            Map<String, Map<String, Double>> out = new LinkedHashMap<>();
            for (Map.Entry<String, Shares> e : all.entrySet()) {
                Shares s = e.getValue();
                if (s.wall <= 0) continue;
                Map<String, Double> f = new LinkedHashMap<>();
                long inOps = 0;
                for (TimedBackend.Op op : TimedBackend.Op.values()) {
                    f.put(op.name().toLowerCase(java.util.Locale.ROOT), s.nanos[op.ordinal()] / (double) s.wall);
                    inOps += s.nanos[op.ordinal()];
                }
                f.put("other", Math.max(0, s.wall - inOps) / (double) s.wall);
                out.put(e.getKey(), f);
            }
            return out;
        }
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /**
     * One generate call: n greedy completions of exactly `tokens` tokens after `prompt`, on a fresh cache, through
     * `backend` (a fresh {@link TimedBackend}: its first pass is this call's prefill).
     */
    private static Generator.Stats generate(Qwen3Weights w, int[] prompt, int n, int tokens, DType kvCache, TimedBackend backend) {
        GenerationRequest req = new GenerationRequest(prompt, n, SamplingParams.greedy(), tokens, new int[0], List.of());
        int blockSize = 16;
        try (KvCache cache = new KvCache(w.config(), blockSize, Generator.blocksNeeded(List.of(req), blockSize), kvCache);
             Qwen3Model m = new Qwen3Model(w, backend, cache)) {
            Generator g = new Generator(m);
            g.generate(List.of(req));
            return g.stats();
        }
    }

    /** The matrices one decode step reads: every layer's seven, and the LM head. */
    private static List<Tensor> matrices(Qwen3Weights w) {
        List<Tensor> all = new ArrayList<>();
        for (Qwen3Weights.Layer l : w.layers()) all.addAll(List.of(l.wq(), l.wk(), l.wv(), l.wo(), l.wGate(), l.wUp(), l.wDown()));
        all.add(w.lmHead());
        return all;
    }

    static long weightBytesPerToken(Qwen3Weights w) {
        long bytes = 0;
        for (Tensor t : matrices(w)) bytes += t.data().byteSize();
        return bytes;
    }

    /** Weights of the layers' matrices (the LM head runs once per prompt in prefill, not per token). */
    private static long matrixWeights(Qwen3Weights w) {
        long n = 0;
        for (Tensor t : matrices(w)) if (t != w.lmHead()) n += t.elements();
        return n;
    }

    /** The file's weight type: the blocked layouts ({@link dev.imagine.engine.cpu.BlockedBf16}, {@link dev.imagine.engine.cpu.BlockedQ8}) are BF16 and Q8_0 in memory order. */
    private static String weightType(Qwen3Weights w) {
        DType t = w.layers().isEmpty() ? w.lmHead().dtype() : w.layers().get(0).wUp().dtype();
        return (t == DType.BF16_BLOCKED ? DType.BF16 : t == DType.Q8_0_BLOCKED ? DType.Q8_0 : t).name();
    }

    private static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    /**
     * The CPU's model name from /proc/cpuinfo (Linux), else the OS architecture: results differ by host, and the
     * same machine name can hide a different CPU.
     */
    static String cpuModel() {
        String name = null, family = null, model = null;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.isBlank()) break; // the first processor is enough
                String value = line.substring(line.indexOf(':') + 1).trim();
                if (line.startsWith("model name")) name = value;
                else if (line.startsWith("cpu family")) family = value;
                else if (line.startsWith("model\t") || line.startsWith("model ")) model = value;
            }
        } catch (IOException | RuntimeException notLinux) {
            // not Linux: fall back to the architecture
        }
        if (name == null) return System.getProperty("os.arch");
        // a VM may show only "AMD EPYC": family and model tell Zen 1 (23/1) from Zen 3 (25/1)
        return family != null && model != null ? name + " (family " + family + ", model " + model + ")" : name;
    }

    /** VmRSS from /proc/self/status (Linux), or -1. Counts the mapped weight pages the runs touched. */
    static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException | RuntimeException notLinux) {
            // not Linux: no portable RSS
        }
        return -1;
    }
}
