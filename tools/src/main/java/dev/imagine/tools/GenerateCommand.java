package dev.imagine.tools;

import dev.imagine.engine.cpu.CpuBackend;
import dev.imagine.engine.generate.Completion;
import dev.imagine.engine.generate.GenerationRequest;
import dev.imagine.engine.generate.Generator;
import dev.imagine.engine.generate.SamplingParams;
import dev.imagine.engine.kv.KvCache;
import dev.imagine.engine.load.Qwen3Weights;
import dev.imagine.engine.model.Qwen3Model;
import dev.imagine.engine.tensor.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code imagine generate}: complete token-id prompts and print the generated ids (and their log-probabilities). */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate token ids after one or more prompts (repeat --tokens for a batch of prompts; --n for a group sharing one prompt).")
final class GenerateCommand implements Runnable {
    @Option(names = "--model", required = true, description = "A Hugging Face model folder or a .gguf file.")
    Path model;

    @Option(names = "--tokens", required = true, description = "A prompt as comma-separated token ids; repeat for a batch of prompts.")
    List<String> prompts;

    @Option(names = "--temperature", defaultValue = "0", description = "0 = greedy (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-k", defaultValue = "0", description = "Keep the k most likely tokens; 0 = off (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--top-p", defaultValue = "1", description = "Nucleus sampling mass; 1 = off (default: ${DEFAULT-VALUE}).")
    double topP;

    @Option(names = "--min-p", defaultValue = "0", description = "Drop tokens below min-p × the top probability; 0 = off (default: ${DEFAULT-VALUE}).")
    double minP;

    @Option(names = "--seed", defaultValue = "0", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--max-tokens", defaultValue = "32", description = "Tokens to generate at most per completion (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--n", defaultValue = "1", description = "Completions per prompt; they share the prompt's KV cache (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--eos", description = "Comma-separated EOS ids (default: the model's).")
    String eos;

    @Option(names = "--stop", description = "A stop sequence as comma-separated token ids; repeatable.")
    List<String> stops = new ArrayList<>();

    @Option(names = "--kv-cache", defaultValue = "f32", description = "KV cache dtype: f32 or bf16 (default: ${DEFAULT-VALUE}).")
    String kvCache;

    @Option(names = "--logprobs", description = "Also print the log-probability of each generated token (log-softmax of the raw logits).")
    boolean logprobs;

    @Override
    public void run() {
        SamplingParams params;
        try {
            params = new SamplingParams(temperature, topK, topP, minP, seed);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        if (n < 1 || maxTokens < 1) throw new UserError("--n and --max-tokens must be at least 1");
        DType cacheType = KvCacheType.parse(kvCache);
        List<int[]> stopIds = stops.stream().map(s -> TokenIds.parse(s, "--stop")).toList();
        List<int[]> promptIds = prompts.stream().map(p -> TokenIds.parse(p, "--tokens")).toList();
        long loadStart = System.nanoTime();
        try (Qwen3Weights w = Qwen3Weights.open(model)) {
            int[] eosIds = eos == null ? w.config().eosTokenIds() : TokenIds.parse(eos, "--eos");
            List<GenerationRequest> requests = new ArrayList<>();
            for (int[] ids : promptIds) {
                TokenIds.checkVocabulary(ids, w.config().vocabSize(), "--tokens");
                requests.add(new GenerationRequest(ids, n, params, maxTokens, eosIds, stopIds));
            }
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            int blockSize = 16;
            try (KvCache cache = new KvCache(w.config(), blockSize, Generator.blocksNeeded(requests, blockSize), cacheType);
                 Qwen3Model m = new Qwen3Model(w, new CpuBackend(), cache)) {
                Generator generator = new Generator(m);
                List<Completion> completions = generator.generate(requests);
                for (Completion c : completions) {
                    StringBuilder line = new StringBuilder();
                    if (requests.size() > 1 || n > 1) line.append("[prompt ").append(c.request()).append(", completion ").append(c.index()).append("] ");
                    for (int i = 0; i < c.tokens().length; i++) line.append(i == 0 ? "" : ",").append(c.tokens()[i]);
                    line.append("  (").append(c.finish().name().toLowerCase(Locale.ROOT)).append(')');
                    System.out.println(line);
                    if (logprobs) {
                        StringBuilder lp = new StringBuilder("  logprobs:");
                        for (float f : c.logprobs()) lp.append(String.format(Locale.ROOT, " %.5f", f));
                        System.out.println(lp);
                    }
                }
                Generator.Stats s = generator.stats();
                System.err.printf(Locale.ROOT, "load %.2f s; prefill %d tokens in %.3f s; decode %d tokens in %d steps, %.3f s (%.2f tokens/s)%n",
                        loadSeconds, s.promptTokens(), s.prefillNanos() / 1e9, s.decodeTokens(), s.decodeSteps(), s.decodeNanos() / 1e9,
                        s.decodeTokensPerSecond());
            }
        }
    }
}
