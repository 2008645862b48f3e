package dev.imagine.bench;

import dev.imagine.tokenizer.Tokenizer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Loading Qwen3's 11 MB tokenizer.json (+ tokenizer_config.json) from disk. Single-shot: the first
 * iteration of each fork is a load in a fresh JVM (cold code, Jackson's first use), the later ones a
 * warmed-up load. The files are the bundled ones, unpacked to a temporary folder first.
 * Run: {@code java -jar bench/target/benchmarks.jar TokenizerLoadBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(java.util.concurrent.TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 6)
@Fork(3)
public class TokenizerLoadBenchmark {
    private Path dir;

    @Setup
    public void unpack() throws IOException {
        dir = Files.createTempDirectory("qwen3-tokenizer");
        dir.toFile().deleteOnExit();
        try (InputStream gz = new GZIPInputStream(open("tokenizer.json.gz"));
             InputStream config = open("tokenizer_config.json")) {
            Files.copy(gz, dir.resolve("tokenizer.json"));
            Files.copy(config, dir.resolve("tokenizer_config.json"));
        }
        dir.resolve("tokenizer.json").toFile().deleteOnExit();
        dir.resolve("tokenizer_config.json").toFile().deleteOnExit();
    }

    private static InputStream open(String name) {
        InputStream in = Tokenizer.class.getResourceAsStream("/dev/imagine/tokenizer/qwen3/" + name);
        if (in == null) throw new IllegalStateException("bundled " + name + " is missing");
        return in;
    }

    @Benchmark
    public Tokenizer load() {
        return Tokenizer.load(dir);
    }
}
