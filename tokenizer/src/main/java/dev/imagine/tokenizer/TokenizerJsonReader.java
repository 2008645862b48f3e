package dev.imagine.tokenizer;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Hugging Face {@code tokenizer.json} (streaming: the 11 MB Qwen3 file loads in well under a second) and
 * {@code tokenizer_config.json}. Accepts what the Qwen2/Qwen3 family uses and names anything else it meets:
 * a BPE model over byte-level tokens, NFC (or no) normaliser, the Qwen2 Split regex followed by ByteLevel,
 * a ByteLevel decoder.
 */
final class TokenizerJsonReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TokenizerJsonReader() {
    }

    static Tokenizer readFolder(Path dir) {
        if (!Files.isDirectory(dir)) throw new TokenizerException("tokenizer folder " + dir + " does not exist or is not a folder");
        Path json = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(json)) throw new TokenizerException("no tokenizer.json in " + dir);
        Path config = dir.resolve("tokenizer_config.json");
        return read(json, Files.isRegularFile(config) ? config : null);
    }

    static Tokenizer read(Path json, Path config) {
        try (InputStream in = Files.newInputStream(json);
             InputStream configIn = config == null ? null : Files.newInputStream(config)) {
            return read(in, json.toString(), configIn, config == null ? null : config.toString());
        } catch (NoSuchFileException e) {
            throw new TokenizerException("no such file: " + e.getFile());
        } catch (IOException e) {
            throw new TokenizerException("cannot read " + json + ": " + e.getMessage(), e);
        }
    }

    static Tokenizer read(InputStream json, String jsonName, InputStream config, String configName) {
        Parts parts;
        try (JsonParser p = JSON.getFactory().createParser(json)) {
            parts = readTokenizerJson(p, jsonName);
        } catch (JsonProcessingException e) {
            throw new TokenizerException(jsonName + ": malformed JSON at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new TokenizerException("cannot read " + jsonName + ": " + e.getMessage(), e);
        }
        Tokenizer.SpecialTokenIds specialIds = Tokenizer.SpecialTokenIds.NONE;
        ChatTemplate template = null;
        String templateProblem = "no tokenizer_config.json was read, so there is no chat template";
        if (config != null) {
            JsonNode c;
            try {
                c = JSON.readTree(config);
            } catch (JsonProcessingException e) {
                throw new TokenizerException(configName + ": malformed JSON at line " + e.getLocation().getLineNr()
                        + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage(), e);
            } catch (IOException e) {
                throw new TokenizerException("cannot read " + configName + ": " + e.getMessage(), e);
            }
            if (c == null || !c.isObject()) throw new TokenizerException(configName + ": expected a JSON object");
            Map<String, Integer> ids = new HashMap<>(parts.vocab);
            for (AddedToken t : parts.added) ids.put(t.content(), t.id());
            specialIds = new Tokenizer.SpecialTokenIds(
                    specialId(c, "bos_token", ids, configName), specialId(c, "eos_token", ids, configName),
                    specialId(c, "pad_token", ids, configName));
            String source = chatTemplateSource(c, configName);
            templateProblem = configName + " has no chat_template";
            if (source != null) {
                try {
                    template = ChatTemplate.of(source, configName + " field chat_template");
                } catch (TokenizerException e) { // the tokenizer stays usable; asking for the template says why it is missing
                    templateProblem = e.getMessage();
                }
            }
        }
        return new Tokenizer(parts.vocab, parts.merges, parts.added, specialIds, template, templateProblem, jsonName);
    }

    /** What tokenizer.json holds that the tokenizer needs. */
    private record Parts(Map<String, Integer> vocab, List<String[]> merges, List<AddedToken> added) {
    }

    private static Parts readTokenizerJson(JsonParser p, String name) throws IOException {
        expect(p, JsonToken.START_OBJECT, name, "the top level");
        Map<String, Integer> vocab = null;
        List<String[]> merges = null;
        List<AddedToken> added = new ArrayList<>();
        boolean sawModel = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "model" -> {
                    sawModel = true;
                    expectCurrent(p, JsonToken.START_OBJECT, name, "model");
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String modelField = p.currentName();
                        p.nextToken();
                        switch (modelField) {
                            case "vocab" -> vocab = readVocab(p, name);
                            case "merges" -> merges = readMerges(p, name);
                            default -> checkModelOption(modelField, p.readValueAsTree(), name);
                        }
                    }
                }
                case "added_tokens" -> added = readAddedTokens(p.readValueAsTree(), name);
                case "normalizer" -> checkNormalizer(p.readValueAsTree(), name);
                case "pre_tokenizer" -> checkPreTokenizer(p.readValueAsTree(), name);
                case "decoder" -> checkByteLevel(p.readValueAsTree(), name, "decoder", true);
                default -> p.skipChildren(); // version, truncation, padding, post_processor: no effect on encode/decode
            }
        }
        if (!sawModel) throw new TokenizerException(name + ": no \"model\" field");
        if (vocab == null) throw new TokenizerException(name + ": model has no \"vocab\"");
        if (merges == null) throw new TokenizerException(name + ": model has no \"merges\"");
        return new Parts(vocab, merges, added);
    }

    private static Map<String, Integer> readVocab(JsonParser p, String name) throws IOException {
        expectCurrent(p, JsonToken.START_OBJECT, name, "model.vocab");
        Map<String, Integer> vocab = new HashMap<>(1 << 18);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String token = p.currentName();
            if (p.nextToken() != JsonToken.VALUE_NUMBER_INT) {
                throw new TokenizerException(name + ": model.vocab[\"" + token + "\"] is not an integer id (line " + p.currentLocation().getLineNr() + ")");
            }
            if (vocab.put(token, p.getIntValue()) != null) {
                throw new TokenizerException(name + ": model.vocab lists \"" + token + "\" twice");
            }
        }
        return vocab;
    }

    /** Merges as "left right" strings (older files) or ["left", "right"] pairs (newer ones). */
    private static List<String[]> readMerges(JsonParser p, String name) throws IOException {
        expectCurrent(p, JsonToken.START_ARRAY, name, "model.merges");
        List<String[]> merges = new ArrayList<>(1 << 18);
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            int rank = merges.size();
            if (t == JsonToken.VALUE_STRING) {
                merges.add(splitMerge(p.getText(), name + ": model.merges[" + rank + "]"));
            } else if (t == JsonToken.START_ARRAY) {
                String[] pair = new String[2];
                int k = 0;
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (t != JsonToken.VALUE_STRING || k == 2) {
                        throw new TokenizerException(name + ": model.merges[" + rank + "] is not a pair of strings");
                    }
                    pair[k++] = p.getText();
                }
                if (k != 2) throw new TokenizerException(name + ": model.merges[" + rank + "] is not a pair of strings");
                merges.add(pair);
            } else {
                throw new TokenizerException(name + ": model.merges[" + rank + "] is neither \"a b\" nor [\"a\", \"b\"]");
            }
        }
        return merges;
    }

    /** "left right" → {left, right}; both parts non-empty and exactly one space, as the reference requires. */
    static String[] splitMerge(String merge, String where) {
        int space = merge.indexOf(' ');
        if (space <= 0 || space == merge.length() - 1 || merge.indexOf(' ', space + 1) >= 0) {
            throw new TokenizerException(where + ": merge \"" + merge + "\" is not two tokens separated by one space");
        }
        return new String[]{merge.substring(0, space), merge.substring(space + 1)};
    }

    private static void checkModelOption(String field, JsonNode value, String name) {
        switch (field) {
            case "type" -> {
                if (!value.asText().equals("BPE")) throw new TokenizerException(name + ": model.type is \"" + value.asText() + "\"; only BPE is supported");
            }
            case "dropout" -> {
                if (!value.isNull() && value.asDouble() != 0) throw new TokenizerException(name + ": model.dropout " + value + " is not supported (deterministic BPE only)");
            }
            case "continuing_subword_prefix", "end_of_word_suffix" -> {
                if (!value.isNull() && !value.asText().isEmpty()) throw new TokenizerException(name + ": model." + field + " \"" + value.asText() + "\" is not supported");
            }
            case "byte_fallback", "ignore_merges" -> {
                if (value.asBoolean(false)) throw new TokenizerException(name + ": model." + field + "=true is not supported");
            }
            default -> {
                // unk_token, fuse_unk: byte-level BPE never produces an unknown token
            }
        }
    }

    private static List<AddedToken> readAddedTokens(JsonNode array, String name) {
        if (!array.isArray()) throw new TokenizerException(name + ": added_tokens is not an array");
        List<AddedToken> added = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            JsonNode t = array.get(i);
            String where = name + ": added_tokens[" + i + "]";
            if (!t.path("id").isInt() || !t.path("content").isTextual() || t.path("content").asText().isEmpty()) {
                throw new TokenizerException(where + " needs an integer \"id\" and a non-empty string \"content\"");
            }
            for (String option : List.of("lstrip", "rstrip", "single_word")) {
                if (t.path(option).asBoolean(false)) {
                    throw new TokenizerException(where + " (\"" + t.get("content").asText() + "\") sets " + option + "=true, which is not supported");
                }
            }
            // "normalized": true asks to match after normalisation; NFC leaves the ASCII contents of this
            // family's added tokens unchanged, so matching them in raw text finds the same tokens.
            added.add(new AddedToken(t.get("id").asInt(), t.get("content").asText(), t.path("special").asBoolean(false)));
        }
        return added;
    }

    private static void checkNormalizer(JsonNode n, String name) {
        if (n.isNull()) return;
        if (!n.path("type").asText().equals("NFC")) {
            throw new TokenizerException(name + ": normalizer " + n + " is not supported (only NFC or none)");
        }
    }

    /** Sequence[Split(Qwen2 regex, Isolated), ByteLevel(use_regex=false)]: the Qwen2/Qwen3 pre-tokenizer. */
    private static void checkPreTokenizer(JsonNode n, String name) {
        String unsupported = name + ": pre_tokenizer is not the Qwen2/Qwen3 one (Split with the Qwen2 regex, then ByteLevel without regex): ";
        if (!n.path("type").asText().equals("Sequence") || n.path("pretokenizers").size() != 2) {
            throw new TokenizerException(unsupported + "expected a Sequence of two, found " + abbreviate(n));
        }
        JsonNode split = n.get("pretokenizers").get(0);
        String regex = split.path("pattern").path("Regex").asText("");
        if (!split.path("type").asText().equals("Split") || !regex.equals(PieceSplitter.QWEN2_PATTERN)
                || !split.path("behavior").asText().equals("Isolated") || split.path("invert").asBoolean(false)) {
            throw new TokenizerException(unsupported + "pretokenizers[0] is " + abbreviate(split));
        }
        checkByteLevel(n.get("pretokenizers").get(1), name, "pre_tokenizer.pretokenizers[1]", false);
    }

    private static void checkByteLevel(JsonNode n, String name, String field, boolean mayUseRegex) {
        if (n.isNull()) return;
        if (!n.path("type").asText().equals("ByteLevel")) throw new TokenizerException(name + ": " + field + " " + abbreviate(n) + " is not supported (ByteLevel only)");
        if (n.path("add_prefix_space").asBoolean(false)) throw new TokenizerException(name + ": " + field + ".add_prefix_space=true is not supported");
        if (!mayUseRegex && n.path("use_regex").asBoolean(true)) throw new TokenizerException(name + ": " + field + ".use_regex must be false (the Split step already splits)");
    }

    private static String abbreviate(JsonNode n) {
        String s = n.toString();
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    /** A special token's id from tokenizer_config.json: the field is null, a string, or {"content": ...}. */
    private static int specialId(JsonNode config, String field, Map<String, Integer> ids, String name) {
        JsonNode v = config.path(field);
        if (v.isMissingNode() || v.isNull()) return -1;
        String content = v.isTextual() ? v.asText() : v.path("content").asText(null);
        if (content == null) throw new TokenizerException(name + ": " + field + " is neither a string nor {\"content\": ...}");
        Integer id = ids.get(content);
        if (id == null) throw new TokenizerException(name + ": " + field + " \"" + content + "\" is not a token of the tokenizer");
        return id;
    }

    /** The chat template source: a string, or a list of {name, template} where "default" is the one used. */
    private static String chatTemplateSource(JsonNode config, String name) {
        JsonNode t = config.path("chat_template");
        if (t.isMissingNode() || t.isNull()) return null;
        if (t.isTextual()) return t.asText();
        if (t.isArray()) {
            for (JsonNode named : t) if (named.path("name").asText().equals("default")) return named.path("template").asText();
            throw new TokenizerException(name + ": chat_template is a list without a \"default\" entry");
        }
        throw new TokenizerException(name + ": chat_template is neither a string nor a list");
    }

    private static void expect(JsonParser p, JsonToken token, String name, String where) throws IOException {
        p.nextToken();
        expectCurrent(p, token, name, where);
    }

    private static void expectCurrent(JsonParser p, JsonToken token, String name, String where) {
        if (p.currentToken() != token) {
            throw new TokenizerException(name + ": expected " + (token == JsonToken.START_OBJECT ? "an object" : "an array")
                    + " at " + where + " (line " + p.currentLocation().getLineNr() + ")");
        }
    }
}
