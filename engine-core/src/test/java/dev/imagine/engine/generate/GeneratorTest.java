package dev.imagine.engine.generate;

import dev.imagine.engine.cpu.CpuBackend;
import dev.imagine.engine.kv.KvCache;
import dev.imagine.engine.load.Qwen3Weights;
import dev.imagine.engine.model.Qwen3Model;
import dev.imagine.engine.tensor.DType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static dev.imagine.engine.TestModels.TOKENS;
import static dev.imagine.engine.TestModels.resource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Batched and shared-prefix generation reproduce one-at-a-time generation, token for token and logprob for logprob. */
class GeneratorTest {
    static Qwen3Weights weights;

    @BeforeAll
    static void open() {
        weights = Qwen3Weights.open(resource("tiny-f32"));
    }

    @AfterAll
    static void close() {
        weights.close();
    }

    private static List<Completion> run(List<GenerationRequest> requests) {
        try (KvCache cache = new KvCache(weights.config(), 4, Generator.blocksNeeded(requests, 4), DType.F32);
             Qwen3Model model = new Qwen3Model(weights, new CpuBackend(), cache)) {
            List<Completion> out = new Generator(model).generate(requests);
            assertEquals(Generator.blocksNeeded(requests, 4), cache.freeBlocks(), "every block is freed at the end");
            return out;
        }
    }

    private static GenerationRequest request(int[] prompt, int n, SamplingParams p, int maxTokens) {
        return new GenerationRequest(prompt, n, p, maxTokens, new int[0], List.of());
    }

    private static void assertSame(Completion expected, Completion actual) {
        assertArrayEquals(expected.tokens(), actual.tokens());
        assertArrayEquals(expected.logprobs(), actual.logprobs(), 1e-6f);
        assertEquals(expected.finish(), actual.finish());
    }

    @Test
    void batchOfDifferentPromptsMatchesOneAtATime() {
        int[][] prompts = {Arrays.copyOf(TOKENS, 3), Arrays.copyOfRange(TOKENS, 5, 17), Arrays.copyOfRange(TOKENS, 2, 9)};
        int[] maxTokens = {9, 4, 13};
        SamplingParams[] params = {SamplingParams.greedy(), new SamplingParams(1.0, 0, 1, 0, 5), new SamplingParams(0.8, 50, 0.9, 0.01, 6)};
        List<GenerationRequest> requests = new java.util.ArrayList<>();
        for (int i = 0; i < prompts.length; i++) requests.add(request(prompts[i], 1, params[i], maxTokens[i]));
        List<Completion> batched = run(requests);
        for (int i = 0; i < prompts.length; i++) {
            Completion alone = run(List.of(requests.get(i))).getFirst();
            assertEquals(maxTokens[i], alone.tokens().length);
            assertSame(alone, batched.get(i));
        }
    }

    @Test
    void greedyGroupSharesThePrefillAndMatchesASingleCompletion() {
        int[] prompt = Arrays.copyOf(TOKENS, 10); // 10 = 2.5 blocks: the last block is shared, then copied
        Completion single = run(List.of(request(prompt, 1, SamplingParams.greedy(), 12))).getFirst();
        List<Completion> group = run(List.of(request(prompt, 4, SamplingParams.greedy(), 12)));
        assertEquals(4, group.size());
        for (Completion c : group) assertSame(single, c);
    }

    @Test
    void sampledGroupIsIndependentOfItsBatchAndItsMembersDiffer() {
        int[] prompt = Arrays.copyOf(TOKENS, 6);
        GenerationRequest group = request(prompt, 4, new SamplingParams(1.5, 0, 1, 0, 99), 10);
        List<Completion> alone = run(List.of(group));
        List<Completion> mixed = run(List.of(request(Arrays.copyOf(TOKENS, 13), 2, SamplingParams.greedy(), 7), group));
        for (int i = 0; i < 4; i++) assertSame(alone.get(i), mixed.get(2 + i));
        assertNotEquals(Arrays.toString(alone.get(0).tokens()), Arrays.toString(alone.get(1).tokens()));
    }

    @Test
    void stopsOnEosAndOnStopSequencesKeepingThem() {
        int[] prompt = Arrays.copyOf(TOKENS, 5);
        Completion free = run(List.of(request(prompt, 1, SamplingParams.greedy(), 8))).getFirst();
        int[] t = free.tokens();
        Completion eos = run(List.of(new GenerationRequest(prompt, 1, SamplingParams.greedy(), 8, new int[]{t[2]}, List.of()))).getFirst();
        int firstEos = 0;
        while (t[firstEos] != t[2]) firstEos++;
        assertEquals(Completion.Finish.EOS, eos.finish());
        assertArrayEquals(Arrays.copyOf(t, firstEos + 1), eos.tokens());
        Completion stop = run(List.of(new GenerationRequest(prompt, 1, SamplingParams.greedy(), 8, new int[0],
                List.of(new int[]{9999, 1}, new int[]{t[4], t[5]})))).getFirst();
        assertTrue(stop.tokens().length <= 6);
        assertEquals(Completion.Finish.STOP_SEQUENCE, stop.finish());
        int n = stop.tokens().length;
        assertArrayEquals(new int[]{t[4], t[5]}, Arrays.copyOfRange(stop.tokens(), n - 2, n));
        assertEquals(Completion.Finish.MAX_TOKENS, free.finish());
    }

    @Test
    void greedyLogprobsAreTheLogSoftmaxOfTheFullPromptLogits() {
        int[] prompt = Arrays.copyOf(TOKENS, 8);
        Completion c = run(List.of(request(prompt, 1, SamplingParams.greedy(), 5))).getFirst();
        int[] all = Arrays.copyOf(prompt, prompt.length + c.tokens().length);
        System.arraycopy(c.tokens(), 0, all, prompt.length, c.tokens().length);
        float[] logits = dev.imagine.engine.TestModels.allLogits(weights, all);
        int vocab = weights.config().vocabSize();
        for (int i = 0; i < c.tokens().length; i++) {
            int row = prompt.length - 1 + i;
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            int argmax = 0;
            for (int v = 0; v < vocab; v++) if (logits[row * vocab + v] > max) { max = logits[row * vocab + v]; argmax = v; }
            for (int v = 0; v < vocab; v++) sum += Math.exp(logits[row * vocab + v] - max);
            assertEquals(argmax, c.tokens()[i]);
            assertEquals(logits[row * vocab + argmax] - max - Math.log(sum), c.logprobs()[i], 1e-5);
        }
    }
}
