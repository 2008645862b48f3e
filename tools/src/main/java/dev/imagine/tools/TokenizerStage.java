package dev.imagine.tools;

import dev.imagine.tokenizer.ChatMessage;
import dev.imagine.tokenizer.StreamingDecoder;
import dev.imagine.tokenizer.Tokenizer;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** Demo stage: load the Qwen3 tokenizer, render a planner chat prompt with the chat template, count and round-trip its tokens. */
final class TokenizerStage implements DemoStage {
    @Override
    public String name() {
        return "tokenizer: Qwen3 chat prompt -> tokens";
    }

    @Override
    public String run(Path workDir, PrintStream out) {
        long start = System.nanoTime();
        Tokenizer tokenizer = Tokenizer.qwen3();
        double loadMs = (System.nanoTime() - start) / 1e6;
        List<ChatMessage> chat = List.of(
                ChatMessage.system("You are a proficient planner. Give a day-by-day plan with flight numbers, restaurants and accommodations."),
                ChatMessage.user("Please plan a trip from St. Petersburg to Rockford spanning 3 days from March 16th to March 18th, 2022."
                        + " The travel should be planned for a single person with a budget of $1,700."));
        String prompt = tokenizer.chatTemplate().render(chat, List.of(), true, false);
        long encodeStart = System.nanoTime();
        int[] ids = tokenizer.encode(prompt);
        double encodeMs = (System.nanoTime() - encodeStart) / 1e6;

        StreamingDecoder stream = tokenizer.streamingDecoder(false);
        StringBuilder decoded = new StringBuilder();
        for (int id : ids) decoded.append(stream.push(id));
        decoded.append(stream.flush());
        if (!decoded.toString().equals(prompt)) throw new IllegalStateException("the prompt does not decode back to itself");

        out.printf("loaded the bundled Qwen3 tokenizer (%,d tokens) in %.0f ms%n", tokenizer.vocabSize(), loadMs);
        out.println("chat prompt (Qwen3 template, thinking off):");
        prompt.lines().forEach(line -> out.println("  | " + line));
        StringBuilder head = new StringBuilder();
        for (int i = 0; i < Math.min(12, ids.length); i++) head.append(ids[i]).append(i + 1 < Math.min(12, ids.length) ? ", " : "");
        out.printf("%d chars -> %d tokens in %.2f ms: [%s, ...]; streaming decode gives the prompt back%n",
                prompt.length(), ids.length, encodeMs, head);
        return ids.length + " prompt tokens, round trip exact";
    }
}
