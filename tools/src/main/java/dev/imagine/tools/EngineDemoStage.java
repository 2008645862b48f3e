package dev.imagine.tools;

import dev.imagine.engine.cpu.CpuBackend;
import dev.imagine.engine.generate.Completion;
import dev.imagine.engine.generate.GenerationRequest;
import dev.imagine.engine.generate.Generator;
import dev.imagine.engine.generate.SamplingParams;
import dev.imagine.engine.kv.KvCache;
import dev.imagine.engine.load.Qwen3Config;
import dev.imagine.engine.load.Qwen3Weights;
import dev.imagine.engine.model.Qwen3Model;
import dev.imagine.engine.tensor.DType;
import dev.imagine.engine.write.Qwen3Checkpoints;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Demo stage: write a tiny random Qwen3, load it back memory-mapped, generate greedily and with a sampled group. */
final class EngineDemoStage implements DemoStage {
    @Override
    public String name() {
        return "Qwen3 engine: load, generate";
    }

    @Override
    public String run(Path workDir, PrintStream out) throws Exception {
        Qwen3Config tiny = Qwen3Checkpoints.shape("tiny");
        Path modelDir = Qwen3Checkpoints.writeRandom(tiny, DType.BF16, 1, workDir.resolve("tiny-qwen3"), null);
        out.println("wrote a random tiny Qwen3 (bf16 safetensors) to " + modelDir);
        int[] prompt = {10, 20, 30, 40, 50, 60, 70};
        List<GenerationRequest> requests = List.of(
                new GenerationRequest(prompt, 1, SamplingParams.greedy(), 8, tiny.eosTokenIds(), List.of()),
                new GenerationRequest(prompt, 3, new SamplingParams(1.0, 50, 0.95, 0.0, 7), 8, tiny.eosTokenIds(), List.of()));
        try (Qwen3Weights w = Qwen3Weights.open(modelDir);
             KvCache cache = new KvCache(w.config(), 16, Generator.blocksNeeded(requests, 16), DType.F32);
             Qwen3Model model = new Qwen3Model(w, new CpuBackend(), cache)) {
            out.println("loaded " + w.config());
            Generator generator = new Generator(model);
            List<Completion> completions = generator.generate(requests);
            for (Completion c : completions) {
                out.printf("  %s completion %d: %s (%s)%n", c.request() == 0 ? "greedy " : "sampled", c.index(),
                        Arrays.toString(c.tokens()), c.finish());
            }
            return completions.size() + " completions, " + generator.stats().decodeTokens() + " tokens decoded in batches";
        }
    }
}
