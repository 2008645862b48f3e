package dev.imagine.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagine.engine.generate.SpeedBenchmark;
import dev.imagine.engine.tensor.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code imagine bench}: end-to-end speed of the engine on one model (prefill, decode, batched decode) against the machine's ceilings. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure prefill, decode and batched decode speed on a model, with the memory bandwidth and FMA ceilings measured in the same process. Progress goes to stderr.")
final class BenchCommand implements Runnable {
    @Option(names = "--model", required = true, description = "A Hugging Face model folder or a .gguf file (e.g. from `imagine model random`).")
    Path model;

    @Option(names = "--prompt-tokens", defaultValue = "128", description = "Prompt length in tokens (random ids) (default: ${DEFAULT-VALUE}).")
    int promptTokens;

    @Option(names = "--gen-tokens", defaultValue = "64", description = "Tokens generated per completion (default: ${DEFAULT-VALUE}).")
    int genTokens;

    @Option(names = "--batch", split = ",", defaultValue = "1,8", description = "Batch sizes for batched decode, comma-separated (default: ${DEFAULT-VALUE}).")
    List<Integer> batches;

    @Option(names = "--threads", description = "Worker threads (default: the available processors).")
    Integer threads;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the random prompt (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--bandwidth-mib", defaultValue = "1024", description = "Size of the buffer streamed to measure memory bandwidth, in MiB; keep it far above the L3 cache (default: ${DEFAULT-VALUE}).")
    long bandwidthMib;

    @Option(names = "--repeat", defaultValue = "3", description = "Runs of each measurement; rates are medians (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--kv-cache", defaultValue = "f32", description = "KV cache dtype: f32 or bf16 (default: ${DEFAULT-VALUE}).")
    String kvCache;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Override
    public void run() {
        SpeedBenchmark.Options options;
        try {
            DType cacheType = KvCacheType.parse(kvCache);
            options = new SpeedBenchmark.Options(promptTokens, genTokens, batches.stream().mapToInt(Integer::intValue).toArray(),
                    threads == null ? Runtime.getRuntime().availableProcessors() : threads, seed, bandwidthMib << 20, repeats, cacheType);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        SpeedBenchmark.Report r = SpeedBenchmark.run(model, options, System.err);
        if (json) System.out.println(toJson(r));
        else printTable(r);
    }

    static String toJson(SpeedBenchmark.Report r) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode o = mapper.createObjectNode();
        o.put("model", r.model());
        o.put("weight_type", r.weightType());
        o.put("kv_cache", r.kvCache());
        o.put("threads", r.threads());
        o.put("prompt_tokens", r.promptTokens());
        o.put("gen_tokens", r.genTokens());
        o.put("load_seconds", r.loadSeconds());
        o.put("weights_copied_bytes", r.weightsCopiedBytes());
        o.put("blocked_mapped_bytes", r.blockedMappedBytes());
        o.put("prefill_tokens_per_s", r.prefillTokensPerS());
        o.put("decode_tokens_per_s", r.decodeTokensPerS());
        ObjectNode batched = o.putObject("batched_decode_tokens_per_s");
        for (Map.Entry<Integer, Double> e : r.batchedDecodeTokensPerS().entrySet()) batched.put(String.valueOf(e.getKey()), e.getValue());
        o.put("rss_bytes", r.rssBytes());
        o.put("bytes_read_per_token", r.bytesReadPerToken());
        o.put("memory_bandwidth_gb_per_s", r.memoryBandwidthGbPerS());
        o.put("roofline_fraction", r.rooflineFraction());
        o.put("roofline_fraction_paired", r.rooflineFractionPaired());
        com.fasterxml.jackson.databind.node.ArrayNode around = o.putArray("decode_bandwidth_gb_per_s");
        for (double v : r.decodeBandwidthGbPerS()) around.add(v);
        o.put("fma_peak_gflops", r.fmaPeakGflops());
        o.put("prefill_gflops", r.prefillGflops());
        o.put("prefill_fma_fraction", r.prefillFmaFraction());
        o.put("cpu_share", r.cpuShare());
        o.put("cpu", r.cpu());
        o.put("vector_bits", r.vectorBits());
        o.put("vector_registers", r.vectorRegisters());
        ObjectNode shares = o.putObject("time_shares");
        for (Map.Entry<String, Map<String, Double>> e : r.timeShares().entrySet()) {
            ObjectNode phase = shares.putObject(e.getKey().replace(' ', '_'));
            e.getValue().forEach(phase::put);
        }
        ObjectNode runs = o.putObject("runs");
        for (Map.Entry<String, double[]> e : r.runs().entrySet()) {
            com.fasterxml.jackson.databind.node.ArrayNode a = runs.putArray(e.getKey().replace(' ', '_'));
            for (double v : e.getValue()) a.add(v);
        }
        return o.toString();
    }

    /** How the weights got into memory: mapped, blocked matrices mapped from their file, copies made at load. */
    private static String loadNote(SpeedBenchmark.Report r) {
        StringBuilder note = new StringBuilder("mmap");
        if (r.blockedMappedBytes() > 0) {
            note.append(String.format(Locale.ROOT, "; %d MiB of blocked matrices mapped from `imagine model block`'s file", r.blockedMappedBytes() >> 20));
        }
        if (r.weightsCopiedBytes() > 0) {
            note.append(String.format(Locale.ROOT, "; %d MiB of matrices copied at load: BF16 and Q8_0 into blocks of 32 rows, others not on a page",
                    r.weightsCopiedBytes() >> 20));
        }
        return note.toString();
    }

    private static void printTable(SpeedBenchmark.Report r) {
        System.out.printf(Locale.ROOT, "model            %s (%s weights, %s KV cache), %d threads%n", r.model(), r.weightType(), r.kvCache(), r.threads());
        System.out.printf(Locale.ROOT, "cpu              %s; kernels at %d-bit vectors, tiles for %d vector registers%n", r.cpu(), r.vectorBits(), r.vectorRegisters());
        System.out.printf(Locale.ROOT, "load             %.2f s (%s)%n", r.loadSeconds(), loadNote(r));
        System.out.printf(Locale.ROOT, "prefill          %.1f tokens/s (%d tokens; %.1f GFLOP/s = %.0f%% of the %.1f GFLOP/s FMA peak)%n",
                r.prefillTokensPerS(), r.promptTokens(), r.prefillGflops(), 100 * r.prefillFmaFraction(), r.fmaPeakGflops());
        System.out.printf(Locale.ROOT, "decode, batch 1  %.2f tokens/s (%.0f%% of the bandwidth roofline: %.2f GB/token at %.1f GB/s;"
                        + " %.0f%% of the bandwidth streamed around each run, median)%n",
                r.decodeTokensPerS(), 100 * r.rooflineFraction(), r.bytesReadPerToken() / 1e9, r.memoryBandwidthGbPerS(),
                100 * r.rooflineFractionPaired());
        double single = r.decodeTokensPerS();
        for (Map.Entry<Integer, Double> e : r.batchedDecodeTokensPerS().entrySet()) {
            if (e.getKey() == 1) continue; // the line above
            System.out.printf(Locale.ROOT, "decode, batch %-3d%.2f tokens/s aggregate (%.2fx batch 1)%n", e.getKey(), e.getValue(), e.getValue() / single);
        }
        System.out.printf(Locale.ROOT, "rss              %.2f GB%n", r.rssBytes() / 1e9);
        StringBuilder spread = new StringBuilder();
        for (Map.Entry<String, double[]> e : r.runs().entrySet()) {
            double[] v = e.getValue().clone();
            java.util.Arrays.sort(v);
            spread.append(String.format(Locale.ROOT, "%s%s %.1f-%.1f", spread.isEmpty() ? "" : ", ", e.getKey(), v[0], v[v.length - 1]));
        }
        System.out.printf(Locale.ROOT, "runs (min-max)   %s (rates above are medians of %d runs)%n", spread, r.runs().get("decode").length);
        System.out.printf(Locale.ROOT, "cpu share        %.0f%% of %d threads while generating (below 100%%: other processes took cores)%n",
                100 * r.cpuShare(), r.threads());
        for (Map.Entry<String, Map<String, Double>> e : r.timeShares().entrySet()) {
            StringBuilder line = new StringBuilder();
            for (Map.Entry<String, Double> op : e.getValue().entrySet()) {
                if (op.getValue() < 0.005 && !op.getKey().equals("other")) continue; // below 0.5 %: noise in a table
                line.append(String.format(Locale.ROOT, "%s%s %.1f%%", line.isEmpty() ? "" : ", ", op.getKey(), 100 * op.getValue()));
            }
            System.out.printf(Locale.ROOT, "time, %-10s %s%n", e.getKey(), line);
        }
    }
}
