package dev.imagine.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link Tokenizer} from GGUF tokenizer metadata, given as plain values so this module needs no
 * GGUF reader. llama.cpp's converter writes the Hugging Face vocabulary by id with a type per token: NORMAL
 * tokens are the BPE vocabulary, CONTROL and USER_DEFINED ones the added tokens, UNUSED ones ("[PAD151669]")
 * fill ids up to the embedding size and name nothing.
 */
final class GgufTokenizer {
    static final int NORMAL = 1, UNKNOWN = 2, CONTROL = 3, USER_DEFINED = 4, UNUSED = 5, BYTE = 6;

    private GgufTokenizer() {
    }

    static Tokenizer build(List<String> tokens, List<String> merges, int[] tokenTypes, String model, String pre,
                           int bosId, int eosId, int padId, String chatTemplate) {
        String source = "GGUF tokenizer metadata";
        if (!"gpt2".equals(model)) {
            throw new TokenizerException(source + ": tokenizer.ggml.model is \"" + model + "\"; only \"gpt2\" (byte-level BPE) is supported");
        }
        if (!"qwen2".equals(pre)) {
            throw new TokenizerException(source + ": tokenizer.ggml.pre is \"" + pre + "\"; only \"qwen2\" (the Qwen2/Qwen3 pre-tokenizer) is supported");
        }
        if (tokenTypes.length != tokens.size()) {
            throw new TokenizerException(source + ": tokenizer.ggml.token_type has " + tokenTypes.length
                    + " entries but tokenizer.ggml.tokens has " + tokens.size());
        }
        Vocabulary.Builder vocabBuilder = new Vocabulary.Builder();
        List<AddedToken> added = new ArrayList<>();
        for (int id = 0; id < tokens.size(); id++) {
            String token = tokens.get(id);
            switch (tokenTypes[id]) {
                case NORMAL, UNKNOWN -> vocabBuilder.add(token, id);
                case CONTROL, USER_DEFINED -> {
                    if (token.isEmpty()) throw new TokenizerException(source + ": added token " + id + " is empty");
                    added.add(new AddedToken(id, token, tokenTypes[id] == CONTROL));
                }
                case UNUSED -> {
                    // padding up to the embedding size: no text maps to it
                }
                case BYTE -> throw new TokenizerException(source + ": token " + id + " has type BYTE, which byte-level BPE does not use");
                default -> throw new TokenizerException(source + ": token " + id + " has unknown tokenizer.ggml.token_type " + tokenTypes[id]);
            }
        }
        Vocabulary vocab = vocabBuilder.build(source + " tokenizer.ggml.tokens");
        MergeList pairs = new MergeList();
        for (int r = 0; r < merges.size(); r++) {
            String[] pair = TokenizerJsonReader.splitMerge(merges.get(r));
            if (pair == null) throw TokenizerJsonReader.badMerge(source + ": tokenizer.ggml.merges[" + r + "]", merges.get(r));
            pairs.add(vocab, pair[0], pair[1], source + ": tokenizer.ggml.merges");
        }
        ChatTemplate template = null;
        String problem = source + " has no tokenizer.chat_template";
        if (chatTemplate != null) {
            try {
                template = ChatTemplate.of(chatTemplate, source + " tokenizer.chat_template");
            } catch (TokenizerException e) {
                problem = e.getMessage();
            }
        }
        return new Tokenizer(vocab, pairs, added, new Tokenizer.SpecialTokenIds(bosId, eosId, padId), template, problem, source);
    }
}
