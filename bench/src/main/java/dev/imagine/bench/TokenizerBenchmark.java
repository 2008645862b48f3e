package dev.imagine.bench;

import dev.imagine.tokenizer.Tokenizer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Encoding speed of the Qwen3 tokenizer on one thread, for three texts in bench resources:
 * {@code english} (50,000 chars: a TravelPlanner-style planner prompt with reference information as prose),
 * {@code json} (50,000 chars of TravelPlanner reference information as JSON lines) and {@code chinese}
 * (20,000 chars, 56,922 UTF-8 bytes). {@code cache=true} is the steady state of a long-running process
 * (common pieces already merged); {@code cache=false} runs BPE on every piece.
 * MB/s = UTF-8 bytes (50,000 / 50,000 / 56,922) / (ms per op) / 1000.
 * Run: {@code java -jar bench/target/benchmarks.jar TokenizerBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class TokenizerBenchmark {
    @Param({"english", "json", "chinese"})
    public String text;

    @Param({"true", "false"})
    public boolean cache;

    private Tokenizer tokenizer;
    private String input;

    @Setup
    public void load() throws IOException {
        tokenizer = Tokenizer.qwen3().withPieceCache(cache);
        input = resource(text + ".txt");
    }

    static String resource(String name) throws IOException {
        try (InputStream in = TokenizerBenchmark.class.getResourceAsStream("/dev/imagine/bench/tokenizer/" + name)) {
            if (in == null) throw new IllegalStateException("bench resource " + name + " is missing");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Benchmark
    public int[] encode() {
        return tokenizer.encode(input);
    }
}
