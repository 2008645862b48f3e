package dev.imagine.engine.generate;

import dev.imagine.engine.kv.KvCache;
import dev.imagine.engine.model.Batch;
import dev.imagine.engine.model.Qwen3Model;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Batched generation. All prompts are prefilled together in one forward pass (logits at each prompt's last
 * position only); each request's n completions then fork the prompt's KV blocks; every decode step runs all
 * unfinished completions in one forward pass; a completion that finishes frees its blocks at once.
 *
 * <p>Usage: {@code List<Completion> out = new Generator(model).generate(List.of(request));}
 */
public final class Generator {
    private final Qwen3Model model;
    private final Sampler sampler;
    private final Batch batch = new Batch();
    private Stats stats = new Stats(0, 0, 0, 0, 0);

    /** Timings of the last {@link #generate} call: prefill (prompt tokens, ns) and decode (steps, tokens, ns). */
    public record Stats(int promptTokens, long prefillNanos, int decodeSteps, int decodeTokens, long decodeNanos) {
        public double decodeTokensPerSecond() {
            return decodeNanos == 0 ? 0 : decodeTokens * 1e9 / decodeNanos;
        }
    }

    public Stats stats() {
        return stats;
    }

    public Generator(Qwen3Model model) {
        this.model = model;
        this.sampler = new Sampler(model.config().vocabSize());
    }

    /** KV blocks (of {@code blockSize}) these requests may need at most. */
    public static int blocksNeeded(List<GenerationRequest> requests, int blockSize) {
        long blocks = 0;
        for (GenerationRequest r : requests) {
            int p = r.prompt().length;
            blocks += (p + blockSize - 1) / blockSize;
            blocks += (long) r.n() * ((r.maxTokens() + blockSize - 1) / blockSize + 1);
        }
        return Math.toIntExact(blocks);
    }

    private static final class Running {
        final int request, index;
        final GenerationRequest req;
        final SplittableRandom rng;
        KvCache.Sequence seq;
        int[] tokens = new int[16];
        float[] logprobs = new float[16];
        int count;
        Completion.Finish finish;

        Running(int request, int index, GenerationRequest req) {
            this.request = request;
            this.index = index;
            this.req = req;
            this.rng = new SplittableRandom(req.sampling().seed() * 0x9E3779B97F4A7C15L + index);
        }

        void append(int token, float logprob) {
            if (count == tokens.length) {
                tokens = Arrays.copyOf(tokens, count * 2);
                logprobs = Arrays.copyOf(logprobs, count * 2);
            }
            tokens[count] = token;
            logprobs[count++] = logprob;
        }

        /** Decides whether the token just appended ends the completion. */
        Completion.Finish check(int maxPositions) {
            int last = tokens[count - 1];
            for (int eos : req.eosIds()) if (eos == last) return Completion.Finish.EOS;
            for (int[] stop : req.stopSequences()) {
                if (stop.length <= count && Arrays.equals(tokens, count - stop.length, count, stop, 0, stop.length)) {
                    return Completion.Finish.STOP_SEQUENCE;
                }
            }
            if (count >= req.maxTokens()) return Completion.Finish.MAX_TOKENS;
            if (seq.length() + 1 >= maxPositions) return Completion.Finish.CONTEXT_LENGTH;
            return null;
        }
    }

    private static int promptTokens(List<GenerationRequest> requests) {
        int n = 0;
        for (GenerationRequest r : requests) n += r.prompt().length;
        return n;
    }

    /** Completions of every request, in request order then completion index. */
    public List<Completion> generate(List<GenerationRequest> requests) {
        if (requests.isEmpty()) return List.of();
        KvCache cache = model.cache();
        int maxPositions = model.config().maxPositions();
        List<Running> all = new ArrayList<>();
        List<KvCache.Sequence> prompts = new ArrayList<>();
        try {
            // prefill every prompt in one pass; logits at each prompt's last position
            batch.clear();
            for (GenerationRequest r : requests) {
                if (r.prompt().length >= maxPositions) {
                    throw new IllegalArgumentException("a prompt of " + r.prompt().length + " tokens leaves no room in the context of " + maxPositions);
                }
                KvCache.Sequence s = cache.newSequence();
                prompts.add(s);
                batch.add(s, r.prompt(), false);
            }
            long t0 = System.nanoTime();
            MemorySegment logits = model.forward(batch);
            long prefillNanos = System.nanoTime() - t0;
            for (int ri = 0; ri < requests.size(); ri++) {
                GenerationRequest r = requests.get(ri);
                for (int i = 0; i < r.n(); i++) {
                    Running run = new Running(ri, i, r);
                    run.seq = cache.fork(prompts.get(ri)); // shares the prompt's blocks
                    int token = sampler.sample(logits, ri, r.sampling(), run.rng);
                    run.append(token, sampler.lastLogprob());
                    run.finish = run.check(maxPositions);
                    all.add(run);
                }
                cache.release(prompts.get(ri)); // the forks keep the blocks alive
            }
            prompts.clear();
            Running[] active = new Running[all.size()];
            int activeCount = 0;
            for (Running run : all) {
                if (run.finish == null) active[activeCount++] = run;
                else cache.release(run.seq);
            }
            // decode: one forward for all unfinished completions per step
            long t1 = System.nanoTime();
            int steps = 0, decoded = 0;
            while (activeCount > 0) {
                steps++;
                decoded += activeCount;
                batch.clear();
                for (int i = 0; i < activeCount; i++) batch.add(active[i].seq, active[i].tokens[active[i].count - 1]);
                logits = model.forward(batch);
                int still = 0;
                for (int i = 0; i < activeCount; i++) {
                    Running run = active[i];
                    int token = sampler.sample(logits, i, run.req.sampling(), run.rng);
                    run.append(token, sampler.lastLogprob());
                    run.finish = run.check(maxPositions);
                    if (run.finish == null) active[still++] = run;
                    else cache.release(run.seq);
                }
                activeCount = still;
            }
            stats = new Stats(promptTokens(requests), prefillNanos, steps, decoded, System.nanoTime() - t1);
        } finally {
            prompts.forEach(cache::release);
            for (Running run : all) if (run.seq != null) cache.release(run.seq);
        }
        List<Completion> out = new ArrayList<>(all.size());
        for (Running run : all) {
            out.add(new Completion(run.request, run.index, Arrays.copyOf(run.tokens, run.count), Arrays.copyOf(run.logprobs, run.count), run.finish));
        }
        return out;
    }
}
