package dev.imagine.tools;

import dev.imagine.engine.tensor.DType;

import java.util.Locale;

/**
 * The {@code --kv-cache} option's value ("f32" or "bf16", any case) as a dtype, for the commands that build a cache.
 *
 * <p>Usage: {@code DType cache = KvCacheType.parse(kvCache);}
 */
final class KvCacheType {
    private KvCacheType() {
    }

    static DType parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "f32" -> DType.F32;
            case "bf16" -> DType.BF16;
            default -> throw new UserError("--kv-cache: \"" + text + "\" is not f32 or bf16");
        };
    }
}
