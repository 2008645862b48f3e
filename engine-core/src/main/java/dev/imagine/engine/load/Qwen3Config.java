package dev.imagine.engine.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagine.engine.EngineException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The shape of a Qwen3 model, from a Hugging Face {@code config.json} or GGUF metadata ({@code qwen3.*} keys).
 * RoPE always covers the whole head ({@code headDim}): Qwen3 has no partial rotary dimension.
 *
 * <p>Usage: {@code Qwen3Config c = Qwen3Config.fromConfigJson(dir.resolve("config.json"));}
 */
public record Qwen3Config(int hiddenSize, int intermediateSize, int layers, int heads, int kvHeads, int headDim,
                          int vocabSize, double ropeTheta, double rmsNormEps, boolean tieWordEmbeddings,
                          int maxPositions, int[] eosTokenIds) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public Qwen3Config {
        eosTokenIds = eosTokenIds.clone();
        String problem = null;
        if (hiddenSize <= 0 || intermediateSize <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || headDim <= 0 || vocabSize <= 0) {
            problem = "every dimension must be positive";
        } else if (heads % kvHeads != 0) {
            problem = "num_attention_heads " + heads + " is not a multiple of num_key_value_heads " + kvHeads;
        } else if (headDim % 2 != 0) {
            problem = "head_dim " + headDim + " must be even for RoPE";
        } else if (!(ropeTheta > 0) || !(rmsNormEps > 0)) {
            problem = "rope_theta and rms_norm_eps must be positive";
        }
        if (problem != null) throw new EngineException("invalid Qwen3 config: " + problem + " (" + describe(hiddenSize, layers, heads, kvHeads, headDim) + ")");
    }

    private static String describe(int hidden, int layers, int heads, int kvHeads, int headDim) {
        return "hidden " + hidden + ", layers " + layers + ", heads " + heads + "/" + kvHeads + ", head_dim " + headDim;
    }

    @Override
    public int[] eosTokenIds() {
        return eosTokenIds.clone();
    }

    /** Width of all query heads together, {@code heads·headDim}. */
    public int qDim() {
        return heads * headDim;
    }

    /** Width of all key (or value) heads together, {@code kvHeads·headDim}. */
    public int kvDim() {
        return kvHeads * headDim;
    }

    /** Reads config.json (and generation_config.json beside it for extra EOS ids); refuses non-Qwen3 models. */
    public static Qwen3Config fromConfigJson(Path configJson) {
        JsonNode c;
        try {
            c = JSON.readTree(configJson.toFile());
        } catch (java.io.FileNotFoundException e) {
            throw new EngineException(configJson + ": no such file");
        } catch (IOException e) {
            throw new EngineException(configJson + ": not valid JSON: " + e.getMessage(), e);
        }
        String modelType = c.path("model_type").asText("");
        List<String> archs = c.path("architectures").isArray()
                ? c.path("architectures").valueStream().map(JsonNode::asText).toList() : List.of();
        if (!modelType.equals("qwen3") || (!archs.isEmpty() && !archs.contains("Qwen3ForCausalLM"))) {
            throw new EngineException(configJson + ": model_type \"" + modelType + "\", architectures " + archs
                    + ": only Qwen3 (model_type qwen3, Qwen3ForCausalLM) is supported");
        }
        if (!c.path("rope_scaling").isMissingNode() && !c.path("rope_scaling").isNull()) {
            throw new EngineException(configJson + ": rope_scaling " + c.path("rope_scaling") + " is not supported (plain RoPE only)");
        }
        if (c.path("use_sliding_window").asBoolean(false)) {
            throw new EngineException(configJson + ": use_sliding_window=true is not supported");
        }
        int hidden = intField(c, "hidden_size", configJson);
        int heads = intField(c, "num_attention_heads", configJson);
        int headDim = c.has("head_dim") ? intField(c, "head_dim", configJson) : hidden / heads;
        Set<Integer> eos = new LinkedHashSet<>();
        addIds(c.path("eos_token_id"), eos);
        Path generation = configJson.resolveSibling("generation_config.json");
        if (Files.exists(generation)) {
            try {
                addIds(JSON.readTree(generation.toFile()).path("eos_token_id"), eos);
            } catch (IOException e) {
                throw new EngineException(generation + ": not valid JSON: " + e.getMessage(), e);
            }
        }
        try {
            return new Qwen3Config(hidden, intField(c, "intermediate_size", configJson), intField(c, "num_hidden_layers", configJson),
                    heads, c.has("num_key_value_heads") ? intField(c, "num_key_value_heads", configJson) : heads, headDim,
                    intField(c, "vocab_size", configJson), c.path("rope_theta").asDouble(10000.0),
                    c.path("rms_norm_eps").asDouble(1e-6), c.path("tie_word_embeddings").asBoolean(false),
                    c.path("max_position_embeddings").asInt(40960), eos.stream().mapToInt(Integer::intValue).toArray());
        } catch (EngineException e) {
            throw new EngineException(configJson + ": " + e.getMessage(), e);
        }
    }

    private static int intField(JsonNode c, String field, Path file) {
        JsonNode n = c.get(field);
        if (n == null || !n.canConvertToInt()) throw new EngineException(file + ": field " + field + " is missing or not an integer");
        return n.asInt();
    }

    private static void addIds(JsonNode n, Set<Integer> out) {
        if (n.isInt()) out.add(n.asInt());
        else if (n.isArray()) n.forEach(e -> out.add(e.asInt()));
    }

    /** Reads qwen3.* metadata; the vocabulary size comes from token_embd, tying from whether output.weight exists. */
    public static Qwen3Config fromGguf(GgufFile g) {
        String arch = g.string("general.architecture");
        if (!"qwen3".equals(arch)) {
            throw new EngineException(g.path() + ": general.architecture is \"" + arch + "\": only qwen3 is supported");
        }
        int heads = g.number("qwen3.attention.head_count").intValue();
        int hidden = g.number("qwen3.embedding_length").intValue();
        int headDim = g.metadata().containsKey("qwen3.attention.key_length")
                ? g.number("qwen3.attention.key_length").intValue() : hidden / heads;
        if (g.metadata().containsKey("qwen3.attention.value_length") && g.number("qwen3.attention.value_length").intValue() != headDim) {
            throw new EngineException(g.path() + ": attention.value_length differs from key_length; Qwen3 has one head_dim");
        }
        int vocab = g.tensor("token_embd.weight").dim(0);
        int[] eos = g.metadata().containsKey("tokenizer.ggml.eos_token_id")
                ? new int[]{g.number("tokenizer.ggml.eos_token_id").intValue()} : new int[0];
        try {
            return new Qwen3Config(hidden, g.number("qwen3.feed_forward_length").intValue(), g.number("qwen3.block_count").intValue(),
                    heads, g.metadata().containsKey("qwen3.attention.head_count_kv") ? g.number("qwen3.attention.head_count_kv").intValue() : heads,
                    headDim, vocab,
                    g.metadata().containsKey("qwen3.rope.freq_base") ? g.number("qwen3.rope.freq_base").doubleValue() : 10000.0,
                    g.number("qwen3.attention.layer_norm_rms_epsilon").doubleValue(), !g.has("output.weight"),
                    g.metadata().containsKey("qwen3.context_length") ? g.number("qwen3.context_length").intValue() : 40960, eos);
        } catch (EngineException e) {
            throw new EngineException(g.path() + ": " + e.getMessage(), e);
        }
    }

    /** The Hugging Face config.json text for this shape (used by the random-model writer). */
    public String toConfigJson(String torchDtype) {
        ObjectNode c = JSON.createObjectNode();
        c.putArray("architectures").add("Qwen3ForCausalLM");
        c.put("attention_bias", false);
        c.put("attention_dropout", 0.0);
        if (eosTokenIds.length > 0) c.put("eos_token_id", eosTokenIds[0]);
        c.put("head_dim", headDim);
        c.put("hidden_act", "silu");
        c.put("hidden_size", hiddenSize);
        c.put("initializer_range", 0.02);
        c.put("intermediate_size", intermediateSize);
        c.put("max_position_embeddings", maxPositions);
        c.put("model_type", "qwen3");
        c.put("num_attention_heads", heads);
        c.put("num_hidden_layers", layers);
        c.put("num_key_value_heads", kvHeads);
        c.put("rms_norm_eps", rmsNormEps);
        c.putNull("rope_scaling");
        c.put("rope_theta", ropeTheta);
        c.put("tie_word_embeddings", tieWordEmbeddings);
        c.put("torch_dtype", torchDtype);
        c.put("use_cache", true);
        c.put("use_sliding_window", false);
        c.put("vocab_size", vocabSize);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(c);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Qwen3Config q && hiddenSize == q.hiddenSize && intermediateSize == q.intermediateSize && layers == q.layers
                && heads == q.heads && kvHeads == q.kvHeads && headDim == q.headDim && vocabSize == q.vocabSize
                && ropeTheta == q.ropeTheta && rmsNormEps == q.rmsNormEps && tieWordEmbeddings == q.tieWordEmbeddings
                && maxPositions == q.maxPositions && Arrays.equals(eosTokenIds, q.eosTokenIds);
    }

    @Override
    public int hashCode() {
        return hiddenSize * 31 + layers * 7 + vocabSize;
    }

    @Override
    public String toString() {
        return "Qwen3Config[" + describe(hiddenSize, layers, heads, kvHeads, headDim) + ", intermediate " + intermediateSize
                + ", vocab " + vocabSize + ", rope_theta " + ropeTheta + ", eps " + rmsNormEps + ", tied " + tieWordEmbeddings + "]";
    }
}
