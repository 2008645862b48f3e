package dev.imagine.tools;

import dev.imagine.tokenizer.JsonlTokenization;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code imagine tokenize}: adds "ids" to each {"text": ...} line of a JSONL file. */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = {"Tokenize the \"text\" of each JSON line and write the line back with \"ids\" added.",
                "No special tokens are added around the text; special tokens written in it (<|im_start|>) are matched."})
final class TokenizeCommand implements Runnable {
    @Mixin
    TokenizerOption tokenizer;

    @Option(names = "--jsonl", required = true, paramLabel = "IN", description = "Input JSONL: one {\"text\": ...} object per line.")
    Path in;

    @Option(names = "--out", paramLabel = "OUT", description = "Output JSONL (default: stdout).")
    Path out;

    @Override
    public void run() {
        JsonlFiles.run(in, out, (reader, writer) ->
                new JsonlTokenization(tokenizer.load(), System.err).tokenize(reader, in.toString(), writer), "tokenized");
    }
}
