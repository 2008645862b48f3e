package dev.imagine.tools;

import dev.imagine.tokenizer.JsonlTokenization;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code imagine detokenize}: adds "text" to each {"ids": [...]} line of a JSONL file. */
@Command(name = "detokenize", mixinStandardHelpOptions = true,
        description = "Decode the \"ids\" of each JSON line and write the line back with \"text\" added.")
final class DetokenizeCommand implements Runnable {
    @Mixin
    TokenizerOption tokenizer;

    @Option(names = "--jsonl", required = true, paramLabel = "IN", description = "Input JSONL: one {\"ids\": [...]} object per line.")
    Path in;

    @Option(names = "--out", paramLabel = "OUT", description = "Output JSONL (default: stdout).")
    Path out;

    @Option(names = "--skip-special-tokens", description = "Leave special tokens such as <|im_end|> out of the text.")
    boolean skipSpecialTokens;

    @Override
    public void run() {
        JsonlFiles.run(in, out, (reader, writer) ->
                new JsonlTokenization(tokenizer.load(), System.err).detokenize(reader, in.toString(), writer, skipSpecialTokens), "detokenized");
    }
}
