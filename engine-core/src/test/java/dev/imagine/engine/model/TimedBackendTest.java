package dev.imagine.engine.model;

import dev.imagine.engine.cpu.CpuBackend;
import dev.imagine.engine.generate.Completion;
import dev.imagine.engine.generate.GenerationRequest;
import dev.imagine.engine.generate.Generator;
import dev.imagine.engine.generate.SamplingParams;
import dev.imagine.engine.kv.KvCache;
import dev.imagine.engine.load.Qwen3Weights;
import dev.imagine.engine.tensor.DType;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static dev.imagine.engine.TestModels.TOKENS;
import static dev.imagine.engine.TestModels.resource;
import static dev.imagine.engine.model.TimedBackend.Op;
import static dev.imagine.engine.model.TimedBackend.Phase.DECODE;
import static dev.imagine.engine.model.TimedBackend.Phase.PREFILL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The timing backend changes no result and puts each operation of a generate call in its pass and kind. */
class TimedBackendTest {
    private static List<Completion> generate(Qwen3Weights w, Backend backend, GenerationRequest request) {
        try (KvCache cache = new KvCache(w.config(), 4, Generator.blocksNeeded(List.of(request), 4), DType.F32);
             Qwen3Model model = new Qwen3Model(w, backend, cache)) {
            return new Generator(model).generate(List.of(request));
        }
    }

    @Test
    void countsEachPassAndKindAndLeavesTheOutputAlone() {
        try (Qwen3Weights w = Qwen3Weights.open(resource("tiny-f32"))) {
            // 2 completions of 3 tokens: the first token of each comes from the prefill, the other two from 2 steps
            GenerationRequest request = new GenerationRequest(Arrays.copyOf(TOKENS, 5), 2, SamplingParams.greedy(), 3, new int[0], List.of());
            TimedBackend timed = new TimedBackend(new CpuBackend());
            List<Completion> got = generate(w, timed, request), plain = generate(w, new CpuBackend(), request);
            for (int i = 0; i < got.size(); i++) {
                assertArrayEquals(plain.get(i).tokens(), got.get(i).tokens());
                assertArrayEquals(plain.get(i).logprobs(), got.get(i).logprobs());
            }
            int layers = w.config().layers(), steps = 2;
            assertEquals(1 + steps, timed.passes());
            assertEquals(1, timed.calls(PREFILL, Op.EMBEDDING));
            assertEquals(steps, timed.calls(DECODE, Op.EMBEDDING));
            // per layer: q/k/v fused, o, gate/up fused, down
            assertEquals(4L * layers, timed.calls(PREFILL, Op.MATMUL));
            assertEquals(4L * layers * steps, timed.calls(DECODE, Op.MATMUL));
            assertEquals(layers, timed.calls(PREFILL, Op.ATTENTION));
            assertEquals((long) layers * steps, timed.calls(DECODE, Op.KV_STORE));
            assertEquals(1, timed.calls(PREFILL, Op.LM_HEAD));
            assertEquals(steps, timed.calls(DECODE, Op.LM_HEAD));
            assertEquals((long) layers * steps, timed.calls(DECODE, Op.SWIGLU));
            assertTrue(timed.nanos(PREFILL, Op.MATMUL) > 0 && timed.nanos(DECODE, Op.ATTENTION) > 0);
            timed.reset();
            assertEquals(0, timed.passes());
            assertEquals(0, timed.nanos(DECODE, Op.MATMUL));
            generate(w, timed, request);
            assertEquals(1, timed.calls(PREFILL, Op.EMBEDDING), "after reset the first pass is a prefill again");
        }
    }
}
