package dev.imagine.tokenizer;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

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
 * Reads Hugging Face {@code tokenizer.json} (streaming: the 11 MB Qwen3 file loads in well under a second)
 * and {@code tokenizer_config.json}. Accepts what the Qwen2/Qwen3 family uses and names anything else it
 * meets: a BPE model over byte-level tokens, NFC (or no) normaliser, the Qwen2 Split regex followed by
 * ByteLevel, a ByteLevel decoder.
 */
final class TokenizerJsonReader {
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
        try (JsonParser p = PlainJson.FACTORY.createParser(json)) {
            parts = readTokenizerJson(p, jsonName);
        } catch (JsonParseException e) {
            throw malformed(jsonName, e);
        } catch (IOException e) {
            throw new TokenizerException("cannot read " + jsonName + ": " + e.getMessage(), e);
        }
        Tokenizer.SpecialTokenIds specialIds = Tokenizer.SpecialTokenIds.NONE;
        ChatTemplate template = null;
        String templateProblem = "no tokenizer_config.json was read, so there is no chat template";
        if (config != null) {
            Object c;
            try (JsonParser p = PlainJson.FACTORY.createParser(config)) {
                p.nextToken();
                c = PlainJson.read(p);
            } catch (JsonParseException e) {
                throw malformed(configName, e);
            } catch (IOException e) {
                throw new TokenizerException("cannot read " + configName + ": " + e.getMessage(), e);
            }
            if (!(c instanceof Map)) throw new TokenizerException(configName + ": expected a JSON object");
            Map<String, Integer> ids = new HashMap<>();
            for (AddedToken t : parts.added) ids.put(t.content(), t.id());
            specialIds = new Tokenizer.SpecialTokenIds(
                    specialId(c, "bos_token", parts.vocab, ids, configName), specialId(c, "eos_token", parts.vocab, ids, configName),
                    specialId(c, "pad_token", parts.vocab, ids, configName));
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

    private static TokenizerException malformed(String name, JsonParseException e) {
        return new TokenizerException(name + ": malformed JSON at line " + e.getLocation().getLineNr()
                + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage(), e);
    }

    /** What tokenizer.json holds that the tokenizer needs. */
    private record Parts(Vocabulary vocab, MergeList merges, List<AddedToken> added) {
    }

    private static Parts readTokenizerJson(JsonParser p, String name) throws IOException {
        p.nextToken();
        expectCurrent(p, JsonToken.START_OBJECT, name, "the top level");
        Vocabulary vocab = null;
        MergeList merges = null;
        List<String[]> pendingMerges = null; // merges listed before the vocabulary: resolved once it is read
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
                            case "merges" -> {
                                if (vocab != null) merges = readMerges(p, name, vocab);
                                else pendingMerges = readMergePairs(p, name);
                            }
                            default -> checkModelOption(modelField, PlainJson.read(p), name);
                        }
                    }
                }
                case "added_tokens" -> added = readAddedTokens(PlainJson.read(p), name);
                case "normalizer" -> checkNormalizer(PlainJson.read(p), name);
                case "pre_tokenizer" -> checkPreTokenizer(PlainJson.read(p), name);
                case "decoder" -> checkByteLevel(PlainJson.read(p), name, "decoder", true);
                default -> p.skipChildren(); // version, truncation, padding, post_processor: no effect on encode/decode
            }
        }
        if (!sawModel) throw new TokenizerException(name + ": no \"model\" field");
        if (vocab == null) throw new TokenizerException(name + ": model has no \"vocab\"");
        if (pendingMerges != null) {
            merges = new MergeList();
            for (int r = 0; r < pendingMerges.size(); r++) {
                merges.add(vocab, pendingMerges.get(r)[0], pendingMerges.get(r)[1], name + ": model.merges");
            }
        }
        if (merges == null) throw new TokenizerException(name + ": model has no \"merges\"");
        return new Parts(vocab, merges, added);
    }

    private static Vocabulary readVocab(JsonParser p, String name) throws IOException {
        expectCurrent(p, JsonToken.START_OBJECT, name, "model.vocab");
        Vocabulary.Builder vocab = new Vocabulary.Builder();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String token = p.currentName();
            if (p.nextToken() != JsonToken.VALUE_NUMBER_INT) {
                throw new TokenizerException(name + ": model.vocab[\"" + token + "\"] is not an integer id (line " + p.currentLocation().getLineNr() + ")");
            }
            vocab.add(token, p.getIntValue());
        }
        return vocab.build(name + ": model.vocab");
    }

    /** Receives merges in rank order. */
    private interface MergeSink {
        void accept(String left, String right);
    }

    private static MergeList readMerges(JsonParser p, String name, Vocabulary vocab) throws IOException {
        MergeList merges = new MergeList();
        String where = name + ": model.merges";
        readMergePairs(p, name, (left, right) -> merges.add(vocab, left, right, where));
        return merges;
    }

    private static List<String[]> readMergePairs(JsonParser p, String name) throws IOException {
        List<String[]> pairs = new ArrayList<>();
        readMergePairs(p, name, (left, right) -> pairs.add(new String[]{left, right}));
        return pairs;
    }

    /** The merges array: "left right" strings (older files) or ["left", "right"] pairs (newer ones). */
    private static void readMergePairs(JsonParser p, String name, MergeSink sink) throws IOException {
        expectCurrent(p, JsonToken.START_ARRAY, name, "model.merges");
        JsonToken t;
        for (int rank = 0; (t = p.nextToken()) != JsonToken.END_ARRAY; rank++) {
            if (t == JsonToken.VALUE_STRING) {
                String[] pair = splitMerge(p.getText());
                if (pair == null) throw badMerge(name + ": model.merges[" + rank + "]", p.getText());
                sink.accept(pair[0], pair[1]);
                continue;
            }
            if (t != JsonToken.START_ARRAY || p.nextToken() != JsonToken.VALUE_STRING) {
                throw new TokenizerException(name + ": model.merges[" + rank + "] is neither \"a b\" nor [\"a\", \"b\"]");
            }
            String left = p.getText();
            if (p.nextToken() != JsonToken.VALUE_STRING) throw new TokenizerException(name + ": model.merges[" + rank + "] is not a pair of strings");
            String right = p.getText();
            if (p.nextToken() != JsonToken.END_ARRAY) throw new TokenizerException(name + ": model.merges[" + rank + "] is not a pair of strings");
            sink.accept(left, right);
        }
    }

    /** "left right" → {left, right}, or null unless both parts are non-empty and one space apart, as the reference requires. */
    static String[] splitMerge(String merge) {
        int space = merge.indexOf(' ');
        if (space <= 0 || space == merge.length() - 1 || merge.indexOf(' ', space + 1) >= 0) return null;
        return new String[]{merge.substring(0, space), merge.substring(space + 1)};
    }

    static TokenizerException badMerge(String where, String merge) {
        return new TokenizerException(where + ": merge \"" + merge + "\" is not two tokens separated by one space");
    }

    private static void checkModelOption(String field, Object value, String name) {
        switch (field) {
            case "type" -> {
                if (!"BPE".equals(value)) throw new TokenizerException(name + ": model.type is \"" + value + "\"; only BPE is supported");
            }
            case "dropout" -> {
                if (value != null && !(value instanceof Number n && n.doubleValue() == 0)) {
                    throw new TokenizerException(name + ": model.dropout " + value + " is not supported (deterministic BPE only)");
                }
            }
            case "continuing_subword_prefix", "end_of_word_suffix" -> {
                if (value != null && !"".equals(value)) throw new TokenizerException(name + ": model." + field + " \"" + value + "\" is not supported");
            }
            case "byte_fallback", "ignore_merges" -> {
                if (Boolean.TRUE.equals(value)) throw new TokenizerException(name + ": model." + field + "=true is not supported");
            }
            default -> {
                // unk_token, fuse_unk: byte-level BPE never produces an unknown token
            }
        }
    }

    private static List<AddedToken> readAddedTokens(Object array, String name) {
        if (!(array instanceof List<?> list)) throw new TokenizerException(name + ": added_tokens is not an array");
        List<AddedToken> added = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Object t = list.get(i);
            String where = name + ": added_tokens[" + i + "]";
            String content = PlainJson.string(t, "content", "");
            if (!(PlainJson.get(t, "id") instanceof Long id) || id < 0 || id > Integer.MAX_VALUE || content.isEmpty()) {
                throw new TokenizerException(where + " needs a non-negative integer \"id\" and a non-empty string \"content\"");
            }
            for (String option : List.of("lstrip", "rstrip", "single_word")) {
                if (PlainJson.bool(t, option, false)) {
                    throw new TokenizerException(where + " (\"" + content + "\") sets " + option + "=true, which is not supported");
                }
            }
            // "normalized": true asks to match after normalisation; NFC leaves the ASCII contents of this
            // family's added tokens unchanged, so matching them in raw text finds the same tokens.
            added.add(new AddedToken(id.intValue(), content, PlainJson.bool(t, "special", false)));
        }
        return added;
    }

    private static void checkNormalizer(Object n, String name) {
        if (n == null) return;
        if (!"NFC".equals(PlainJson.get(n, "type"))) {
            throw new TokenizerException(name + ": normalizer " + PlainJson.abbreviate(n) + " is not supported (only NFC or none)");
        }
    }

    /** Sequence[Split(Qwen2 regex, Isolated), ByteLevel(use_regex=false)]: the Qwen2/Qwen3 pre-tokenizer. */
    private static void checkPreTokenizer(Object n, String name) {
        String unsupported = name + ": pre_tokenizer is not the Qwen2/Qwen3 one (Split with the Qwen2 regex, then ByteLevel without regex): ";
        if (!"Sequence".equals(PlainJson.get(n, "type")) || !(PlainJson.get(n, "pretokenizers") instanceof List<?> steps) || steps.size() != 2) {
            throw new TokenizerException(unsupported + "expected a Sequence of two, found " + PlainJson.abbreviate(n));
        }
        Object split = steps.get(0);
        String regex = PlainJson.string(PlainJson.get(split, "pattern"), "Regex", "");
        if (!"Split".equals(PlainJson.get(split, "type")) || !regex.equals(PieceSplitter.QWEN2_PATTERN)
                || !"Isolated".equals(PlainJson.get(split, "behavior")) || PlainJson.bool(split, "invert", false)) {
            throw new TokenizerException(unsupported + "pretokenizers[0] is " + PlainJson.abbreviate(split));
        }
        checkByteLevel(steps.get(1), name, "pre_tokenizer.pretokenizers[1]", false);
    }

    private static void checkByteLevel(Object n, String name, String field, boolean mayUseRegex) {
        if (n == null) return;
        if (!"ByteLevel".equals(PlainJson.get(n, "type"))) {
            throw new TokenizerException(name + ": " + field + " " + PlainJson.abbreviate(n) + " is not supported (ByteLevel only)");
        }
        if (PlainJson.bool(n, "add_prefix_space", false)) throw new TokenizerException(name + ": " + field + ".add_prefix_space=true is not supported");
        if (!mayUseRegex && PlainJson.bool(n, "use_regex", true)) {
            throw new TokenizerException(name + ": " + field + ".use_regex must be false (the Split step already splits)");
        }
    }

    /** A special token's id from tokenizer_config.json: the field is null, a string, or {"content": ...}. */
    private static int specialId(Object config, String field, Vocabulary vocab, Map<String, Integer> added, String name) {
        Object v = PlainJson.get(config, field);
        if (v == null) return -1;
        String content = v instanceof String s ? s : PlainJson.string(v, "content", null);
        if (content == null) throw new TokenizerException(name + ": " + field + " is neither a string nor {\"content\": ...}");
        int id = added.containsKey(content) ? added.get(content) : vocab.id(content);
        if (id < 0) throw new TokenizerException(name + ": " + field + " \"" + content + "\" is not a token of the tokenizer");
        return id;
    }

    /** The chat template source: a string, or a list of {name, template} where "default" is the one used. */
    private static String chatTemplateSource(Object config, String name) {
        Object t = PlainJson.get(config, "chat_template");
        if (t == null) return null;
        if (t instanceof String s) return s;
        if (t instanceof List<?> named) {
            for (Object entry : named) {
                if ("default".equals(PlainJson.get(entry, "name")) && PlainJson.get(entry, "template") instanceof String s) return s;
            }
            throw new TokenizerException(name + ": chat_template is a list without a \"default\" entry");
        }
        throw new TokenizerException(name + ": chat_template is neither a string nor a list");
    }

    private static void expectCurrent(JsonParser p, JsonToken token, String name, String where) {
        if (p.currentToken() != token) {
            throw new TokenizerException(name + ": expected " + (token == JsonToken.START_OBJECT ? "an object" : "an array")
                    + " at " + where + " (line " + p.currentLocation().getLineNr() + ")");
        }
    }
}
