package dev.imagine.tools;

import dev.imagine.tokenizer.Tokenizer;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --tokenizer DIR}, shared by the tokenizer commands: a model folder, or the bundled Qwen3 tokenizer when absent. */
final class TokenizerOption {
    @Option(names = "--tokenizer", paramLabel = "DIR",
            description = "Model folder with tokenizer.json (and tokenizer_config.json). Default: the bundled Qwen3 tokenizer.")
    Path dir;

    Tokenizer load() {
        return dir == null ? Tokenizer.qwen3() : Tokenizer.load(dir);
    }
}
