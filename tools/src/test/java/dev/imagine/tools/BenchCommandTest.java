package dev.imagine.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static dev.imagine.tools.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** imagine bench on a tiny random model: every field is there and consistent (speed itself is for benchmarks). */
class BenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void jsonHasEveryFieldAndTheRooflineAddsUp() throws IOException {
        Path model = dir.resolve("tiny");
        assertEquals(0, run("model", "random", "--shape", "tiny", "--dtype", "bf16", "--out", model.toString()).exit());
        CliTest.Run b = run("bench", "--model", model.toString(), "--prompt-tokens", "8", "--gen-tokens", "4",
                "--batch", "1,3", "--threads", "2", "--bandwidth-mib", "16", "--repeat", "2", "--json");
        assertEquals(0, b.exit(), b.err());
        JsonNode j = new ObjectMapper().readTree(b.out());
        for (String f : new String[]{"load_seconds", "prefill_tokens_per_s", "decode_tokens_per_s", "memory_bandwidth_gb_per_s",
                "roofline_fraction", "fma_peak_gflops", "prefill_gflops"}) {
            assertTrue(j.get(f).asDouble() > 0 || f.equals("load_seconds") && j.get(f).asDouble() >= 0, f + " in " + b.out());
        }
        assertTrue(j.get("rss_bytes").asLong() > 0);
        // BF16 layer matrices are blocked and the others off a page copied at load (RandomModelTest checks which): at most the file's bytes
        long copied = j.get("weights_copied_bytes").asLong();
        assertTrue(copied >= 0 && copied < java.nio.file.Files.size(model.resolve("model.safetensors")), "weights_copied_bytes " + copied);
        assertTrue(j.get("batched_decode_tokens_per_s").get("3").asDouble() > 0);
        assertEquals(j.get("decode_tokens_per_s").asDouble(), j.get("batched_decode_tokens_per_s").get("1").asDouble());
        double roofline = j.get("decode_tokens_per_s").asDouble() * j.get("bytes_read_per_token").asLong()
                / (j.get("memory_bandwidth_gb_per_s").asDouble() * 1e9);
        assertEquals(roofline, j.get("roofline_fraction").asDouble(), 1e-9 * roofline);
        // the paired fraction: each decode run against the bandwidth streamed just around it, median (of two: the mean)
        JsonNode around = j.get("decode_bandwidth_gb_per_s"), rates = j.get("runs").get("decode");
        assertEquals(2, around.size(), "decode_bandwidth_gb_per_s in " + b.out());
        double pairedSum = 0;
        for (int r = 0; r < 2; r++) {
            assertTrue(around.get(r).asDouble() > 0, "decode_bandwidth_gb_per_s in " + b.out());
            pairedSum += rates.get(r).asDouble() * j.get("bytes_read_per_token").asLong() / (around.get(r).asDouble() * 1e9);
        }
        assertEquals(pairedSum / 2, j.get("roofline_fraction_paired").asDouble(), 1e-9 * pairedSum);
        assertEquals("BF16", j.get("weight_type").asText());
        // which host and kernel shapes the numbers come from
        assertFalse(j.get("cpu").asText().isBlank(), "cpu in " + b.out());
        assertTrue(java.util.Set.of(128, 256, 512).contains(j.get("vector_bits").asInt()), "vector_bits in " + b.out());
        assertTrue(java.util.Set.of(16, 32).contains(j.get("vector_registers").asInt()), "vector_registers in " + b.out());
        assertEquals("F32", j.get("kv_cache").asText());
        // every run is kept, and the reported rate is their median (of two: the mean)
        for (String k : new String[]{"prefill", "decode", "batch_3"}) assertEquals(2, j.get("runs").get(k).size(), k);
        JsonNode d = j.get("runs").get("decode");
        assertEquals((d.get(0).asDouble() + d.get(1).asDouble()) / 2, j.get("decode_tokens_per_s").asDouble(), 1e-9);
        // where the time went: every kind of operation and the rest, adding up to the phase's wall time
        for (String k : new String[]{"prefill", "decode", "batch_3"}) {
            JsonNode shares = j.get("time_shares").get(k);
            double sum = 0;
            for (JsonNode v : shares) sum += v.asDouble();
            assertEquals(1, sum, 1e-9, k + ": " + shares);
            assertTrue(shares.get("matmul").asDouble() > 0 && shares.get("attention").asDouble() > 0
                    && shares.get("lm_head").asDouble() > 0 && shares.has("other"), k + ": " + shares);
        }
    }

    @Test
    void tableWithoutJsonAndBadBatchIsAUserError() {
        Path model = dir.resolve("tiny");
        assertEquals(0, run("model", "random", "--shape", "tiny", "--dtype", "q8_0", "--out", model.toString()).exit());
        CliTest.Run t = run("bench", "--model", model.resolve("model.gguf").toString(), "--prompt-tokens", "4", "--gen-tokens", "2",
                "--batch", "2", "--threads", "1", "--bandwidth-mib", "8", "--repeat", "1", "--kv-cache", "bf16");
        assertEquals(0, t.exit(), t.err());
        assertTrue(t.out().contains("decode, batch 1") && t.out().contains("decode, batch 2"), t.out());
        assertTrue(t.out().contains("time, batch 2") && t.out().contains("matmul"), t.out());
        assertTrue(t.out().contains("BF16 KV cache"), t.out());
        assertTrue(t.out().contains("load") && t.out().contains("(mmap)"), t.out()); // Q8_0: nothing copied
        CliTest.Run kv = run("bench", "--model", model.toString(), "--kv-cache", "f16");
        assertEquals(1, kv.exit());
        assertTrue(kv.err().contains("--kv-cache: \"f16\" is not f32 or bf16"), kv.err());
        CliTest.Run bad = run("bench", "--model", model.toString(), "--batch", "0");
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains("batch sizes must be >= 1"), bad.err());
        CliTest.Run threads = run("bench", "--model", model.toString(), "--threads", "0");
        assertEquals(1, threads.exit());
        assertTrue(threads.err().contains("threads must be 1..31"), threads.err());
        CliTest.Run repeat = run("bench", "--model", model.toString(), "--repeat", "0");
        assertEquals(1, repeat.exit());
        assertTrue(repeat.err().contains("repeats must be >= 1"), repeat.err());
    }
}
