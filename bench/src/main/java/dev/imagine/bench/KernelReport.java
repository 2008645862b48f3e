package dev.imagine.bench;

import dev.imagine.engine.cpu.WorkerPool;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs {@link CeilingsBenchmark} and {@link MatmulBenchmark} through JMH and prints every matmul kernel as a fraction
 * of the ceiling that bounds it: the roofline min(FMA peak, bandwidth × FLOP per weight byte), where one weight
 * byte feeds 2·T/bytesPerWeight FLOP. Decode (T=1) is then bounded by bandwidth, prefill (T=128) by the FMA peak,
 * batched decode (T=8) by whichever is lower for its type.
 *
 * <p>Usage: {@code java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dev.imagine.bench.KernelReport
 * [--rows 1,8,128] [--dtypes BF16,Q8_0,F16,F32] [--shapes 1024x3072,...] [--quick]}
 */
public final class KernelReport {
    private KernelReport() {
    }

    public static void main(String[] args) throws RunnerException {
        Map<String, String> opts = parse(args);
        ChainedOptionsBuilder b = new OptionsBuilder()
                .include(CeilingsBenchmark.class.getName())
                .include(MatmulBenchmark.class.getName())
                .shouldFailOnError(true);
        if (opts.containsKey("rows")) b.param("rows", opts.get("rows").split(","));
        if (opts.containsKey("dtypes")) b.param("dtype", opts.get("dtypes").split(","));
        if (opts.containsKey("shapes")) b.param("shape", opts.get("shapes").split(","));
        if (opts.containsKey("quick")) {
            b.warmupIterations(1).warmupTime(TimeValue.seconds(1)).measurementIterations(2).measurementTime(TimeValue.seconds(1));
        }
        Collection<RunResult> results = new Runner(b.build()).run();

        double bandwidth = 0, oneThread = 0, peak = 0;
        List<RunResult> kernels = new ArrayList<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            if (name.endsWith("streamingRead")) bandwidth = secondary(r, "gigabytes");
            else if (name.endsWith("streamingReadOneThread")) oneThread = secondary(r, "gigabytes");
            else if (name.endsWith("fmaPeak")) peak = secondary(r, "gigaflops");
            else kernels.add(r);
        }
        System.out.printf("%nCeilings on %d threads: streaming read %.1f GB/s (one thread: %.1f), f32 FMA peak %.0f GFLOP/s%n%n",
                WorkerPool.common().threads(), bandwidth, oneThread, peak);
        System.out.println("| shape (O×D) | T | type | GB/s of weights | GFLOP/s | bound | fraction of bound |");
        System.out.println("|---|--:|---|--:|--:|---|--:|");
        for (RunResult r : kernels) {
            String shape = r.getParams().getParam("shape"), dtype = r.getParams().getParam("dtype");
            int rows = Integer.parseInt(r.getParams().getParam("rows"));
            double gb = secondary(r, "gigabytes"), gf = secondary(r, "gigaflops");
            double flopPerByte = gf / gb, memoryBound = bandwidth * flopPerByte;
            boolean byMemory = memoryBound < peak;
            double fraction = gf / Math.min(peak, memoryBound);
            System.out.printf("| %s | %d | %s | %.1f | %.1f | %s | %.0f %% |%n", shape, rows, dtype, gb, gf,
                    byMemory ? "bandwidth" : "FMA peak", 100 * fraction);
        }
    }

    private static double secondary(RunResult r, String key) {
        Result<?> s = r.getSecondaryResults().get(key);
        if (s == null) throw new IllegalStateException(r.getParams().getBenchmark() + " reported no '" + key + "' rate");
        return s.getScore();
    }

    /** --name value pairs (and the flag --quick); anything else is an error naming the argument. */
    private static Map<String, String> parse(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick" -> m.put("quick", "");
                case "--rows", "--dtypes", "--shapes" -> {
                    if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a comma-separated value");
                    m.put(a.substring(2), args[++i]);
                }
                default -> throw new IllegalArgumentException("unknown argument '" + a + "' (expected --rows, --dtypes, --shapes, --quick)");
            }
        }
        return m;
    }
}
