package dev.imagine.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * The Qwen3 tokenizer files shipped in this module's resources (gzip-compressed tokenizer.json,
 * tokenizer_config.json; Apache-2.0, unchanged from a Qwen3 checkpoint). Loaded once, on first use.
 */
final class BundledQwen3 {
    private static final String DIR = "/dev/imagine/tokenizer/qwen3/";

    private BundledQwen3() {
    }

    private static final class Holder {
        static final Tokenizer TOKENIZER = load();
    }

    static Tokenizer get() {
        return Holder.TOKENIZER;
    }

    private static Tokenizer load() {
        try (InputStream json = new GZIPInputStream(open("tokenizer.json.gz"), 1 << 16);
             InputStream config = open("tokenizer_config.json")) {
            return Tokenizer.fromStreams(json, "bundled qwen3/tokenizer.json", config, "bundled qwen3/tokenizer_config.json");
        } catch (IOException e) {
            throw new IllegalStateException("the bundled Qwen3 tokenizer is unreadable (a broken build?)", e);
        }
    }

    private static InputStream open(String name) {
        InputStream in = BundledQwen3.class.getResourceAsStream(DIR + name);
        if (in == null) throw new IllegalStateException("resource " + DIR + name + " is missing from the build");
        return in;
    }
}
