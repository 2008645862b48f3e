package dev.imagine.tokenizer;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The Qwen2/Qwen3 tokenizer: byte-level BPE that encodes exactly as the reference (Hugging Face tokenizers)
 * does. Encoding: lone surrogates become U+FFFD; added tokens ({@code <|im_start|>}, {@code <think>}, …) are
 * cut out of the raw text first; each stretch between them is NFC-normalised, split into pieces by the
 * Qwen2 pre-tokenizer regex ({@link PieceSplitter}), and each piece's UTF-8 bytes are merged by BPE.
 * No special tokens are added around the text. Immutable and thread-safe.
 *
 * <p>Usage:
 * <pre>{@code
 * Tokenizer tok = Tokenizer.load(Path.of("models/Qwen3-8B"));   // tokenizer.json + tokenizer_config.json
 * int[] ids = tok.encode("Hello world");                       // [9707, 1879]
 * String text = tok.decode(ids);                               // "Hello world"
 * String prompt = tok.chatTemplate().render(messages, true);
 * }</pre>
 */
public final class Tokenizer {
    private final int vocabSize;
    /** id → its token as the vocabulary writes it (byte-level chars, or an added token's content); null in gaps. */
    private final String[] tokens;
    /** What each id decodes to: bytes[byteStart[id], byteStart[id + 1]) (empty in gaps). One array, not 151k small ones. */
    private final byte[] bytes;
    private final int[] byteStart;
    /** id → whether it is a special added token (dropped by {@code decode(ids, true)}). */
    private final boolean[] special;
    private final Vocabulary vocab;
    private final Map<String, Integer> addedIds = new HashMap<>();
    private final List<AddedToken> addedTokens;
    private final AddedTokenMatcher addedMatcher;
    private final Bpe bpe;
    private final SpecialTokenIds specialIds;
    private final ChatTemplate chatTemplate;
    /** Why there is no chat template (when there is none). */
    private final String chatTemplateProblem;

    /** The ids of the tokens that frame sequences; -1 where the model has none. */
    public record SpecialTokenIds(int bos, int eos, int pad) {
        public static final SpecialTokenIds NONE = new SpecialTokenIds(-1, -1, -1);
    }

    /**
     * Builds a tokenizer from its parts (what the readers of tokenizer.json and GGUF produce).
     *
     * @param vocab               the BPE model's vocabulary (byte-level token strings and their ids)
     * @param merges              merges by rank, as ids of this vocabulary
     * @param addedTokens         tokens matched whole in raw text; their ids may extend past the vocabulary
     * @param specialIds          bos/eos/pad ids (-1 for none)
     * @param chatTemplate        the chat template, or null
     * @param chatTemplateProblem why there is none (when chatTemplate is null)
     * @param source              names the origin in error messages (a file path)
     */
    Tokenizer(Vocabulary vocab, MergeList merges, List<AddedToken> addedTokens,
              SpecialTokenIds specialIds, ChatTemplate chatTemplate, String chatTemplateProblem, String source) {
        int maxId = vocab.idLimit() - 1;
        for (AddedToken t : addedTokens) maxId = Math.max(maxId, t.id());
        vocabSize = maxId + 1;
        tokens = new String[vocabSize];
        special = new boolean[vocabSize];
        for (int id = 0; id < vocab.idLimit(); id++) tokens[id] = vocab.token(id);
        this.vocab = vocab;
        for (AddedToken t : addedTokens) {
            if (t.id() < 0) throw new TokenizerException(source + ": added token '" + t.content() + "' has negative id " + t.id());
            tokens[t.id()] = t.content();
            special[t.id()] = t.special();
            addedIds.put(t.content(), t.id());
        }
        this.addedTokens = List.copyOf(addedTokens);
        addedMatcher = new AddedTokenMatcher(this.addedTokens);

        // decoding table: a token's chars are byte stand-ins (one byte each); else, like the reference, its UTF-8
        byteStart = new int[vocabSize + 1];
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream(vocabSize * 8);
        for (int id = 0; id < vocabSize; id++) {
            byteStart[id] = all.size();
            String token = tokens[id];
            if (token == null) continue;
            byte[] b = ByteLevel.toBytes(token);
            all.writeBytes(b != null ? b : token.getBytes(StandardCharsets.UTF_8));
        }
        byteStart[vocabSize] = all.size();
        bytes = all.toByteArray();

        int[] byteToId = new int[256];
        for (int b = 0; b < 256; b++) {
            int id = vocab.id(String.valueOf(ByteLevel.BYTE_TO_CHAR[b]));
            if (id < 0) {
                throw new TokenizerException(source + ": the vocabulary lacks the byte-level token for byte 0x"
                        + Integer.toHexString(b) + " ('" + ByteLevel.BYTE_TO_CHAR[b] + "'); only byte-level BPE is supported");
            }
            byteToId[b] = id;
        }
        bpe = new Bpe(byteToId, merges.lefts(), merges.rights(), merges.merged());
        for (int id : new int[]{specialIds.bos(), specialIds.eos(), specialIds.pad()}) {
            if (id >= vocabSize || (id >= 0 && tokens[id] == null)) {
                throw new TokenizerException(source + ": special token id " + id + " names no token");
            }
        }
        this.specialIds = specialIds;
        this.chatTemplate = chatTemplate;
        this.chatTemplateProblem = chatTemplateProblem;
    }

    /** A copy sharing every table, with its own BPE (and cache setting). */
    private Tokenizer(Tokenizer from, Bpe bpe) {
        vocabSize = from.vocabSize;
        tokens = from.tokens;
        bytes = from.bytes;
        byteStart = from.byteStart;
        special = from.special;
        vocab = from.vocab;
        addedIds.putAll(from.addedIds);
        addedTokens = from.addedTokens;
        addedMatcher = from.addedMatcher;
        this.bpe = bpe;
        specialIds = from.specialIds;
        chatTemplate = from.chatTemplate;
        chatTemplateProblem = from.chatTemplateProblem;
    }

    /**
     * This tokenizer with its per-piece BPE cache on (a fresh, empty one) or off. Results are the same; the
     * cache only saves work on repeated words. For benchmarks: {@code tok.withPieceCache(false).encode(text)}.
     */
    public Tokenizer withPieceCache(boolean cached) {
        return new Tokenizer(this, bpe.withCache(cached));
    }

    // ---- loading ----

    /** Loads {@code tokenizer.json} and, when present, {@code tokenizer_config.json} (special tokens, chat template) from a model folder. */
    public static Tokenizer load(Path modelDir) {
        return TokenizerJsonReader.readFolder(modelDir);
    }

    /** Loads a tokenizer.json file alone (no chat template, no bos/eos). */
    public static Tokenizer fromTokenizerJson(Path tokenizerJson) {
        return TokenizerJsonReader.read(tokenizerJson, null);
    }

    /** Reads tokenizer.json (and optionally tokenizer_config.json) from streams; names are for error messages. */
    public static Tokenizer fromStreams(InputStream tokenizerJson, String tokenizerName, InputStream config, String configName) {
        return TokenizerJsonReader.read(tokenizerJson, tokenizerName, config, configName);
    }

    /** The Qwen3 tokenizer and chat template bundled with this module (the files of a Qwen3 checkpoint). */
    public static Tokenizer qwen3() {
        return BundledQwen3.get();
    }

    /**
     * Builds a tokenizer from the metadata of a GGUF file, as llama.cpp's converter writes it
     * ({@code tokenizer.ggml.*}). Tokens of type CONTROL (3) and USER_DEFINED (4) are added tokens matched whole
     * in raw text; CONTROL ones are special. Usage:
     * <pre>{@code Tokenizer.fromGgufMetadata(tokens, merges, types, "gpt2", "qwen2", 151643, 151645, 151643, chatTemplate)}</pre>
     *
     * @param tokens       {@code tokenizer.ggml.tokens}, by id
     * @param merges       {@code tokenizer.ggml.merges}, by rank, each "left right"
     * @param tokenTypes   {@code tokenizer.ggml.token_type}, by id (1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte)
     * @param model        {@code tokenizer.ggml.model}; must be "gpt2" (byte-level BPE)
     * @param pre          {@code tokenizer.ggml.pre}; must be "qwen2" (the Qwen2/Qwen3 split regex)
     * @param bosId        {@code tokenizer.ggml.bos_token_id}, or -1
     * @param eosId        {@code tokenizer.ggml.eos_token_id}, or -1
     * @param padId        {@code tokenizer.ggml.padding_token_id}, or -1
     * @param chatTemplate {@code tokenizer.chat_template}, or null
     */
    public static Tokenizer fromGgufMetadata(List<String> tokens, List<String> merges, int[] tokenTypes, String model, String pre,
                                             int bosId, int eosId, int padId, String chatTemplate) {
        return GgufTokenizer.build(tokens, merges, tokenTypes, model, pre, bosId, eosId, padId, chatTemplate);
    }

    // ---- encoding ----

    /** Token ids of text, no special tokens added; added tokens written in the text are matched. */
    public int[] encode(String text) {
        text = replaceLoneSurrogates(text);
        IntList out = new IntList(text.length() / 3 + 8);
        int from = 0;
        while (true) {
            AddedTokenMatcher.Match match = addedMatcher.next(text, from);
            int stop = match == null ? text.length() : match.start();
            if (stop > from) encodeOrdinary(text.substring(from, stop), out);
            if (match == null) break;
            out.add(match.token().id());
            from = match.end();
        }
        return out.toArray();
    }

    /** Encodes text with no added tokens in it: NFC, pieces, BPE. */
    private void encodeOrdinary(String text, IntList out) {
        String normal = nfc(text);
        int n = normal.length();
        // pieces: text[start, end) → BPE ids
        for (int start = 0; start < n; ) {
            int end = PieceSplitter.pieceEnd(normal, start, n);
            bpe.encode(normal, start, end, out);
            start = end;
        }
    }

    /** NFC; text below U+0300 (all of ASCII and Latin-1) is already normal, so skip the normaliser's copy. */
    static String nfc(String text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            if (text.charAt(i) >= 0x300) return Normalizer.normalize(text, Normalizer.Form.NFC);
        }
        return text;
    }

    /** Replaces unpaired surrogates with U+FFFD, as encoding the text to UTF-8 does in the reference. */
    static String replaceLoneSurrogates(String text) {
        char[] fixed = null;
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (!Character.isSurrogate(c)) continue;
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
                continue;
            }
            if (fixed == null) fixed = text.toCharArray();
            fixed[i] = '\uFFFD';
        }
        return fixed == null ? text : new String(fixed);
    }

    // ---- decoding ----

    /** The text of ids, special tokens included (as the reference's {@code decode(ids)}). */
    public String decode(int[] ids) {
        return decode(ids, false);
    }

    /**
     * The text of ids. Invalid UTF-8 (a character cut between tokens) decodes to U+FFFD; ids that name no
     * token are skipped, as the reference does.
     */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(ids.length * 4);
        for (int id : ids) {
            if (decodes(id, skipSpecialTokens)) out.write(bytes, byteStart[id], byteStart[id + 1] - byteStart[id]);
        }
        return utf8Lossy(out.toByteArray(), 0, out.size());
    }

    /** Whether id decodes to anything: it names a token, and not a special one being skipped. */
    boolean decodes(int id, boolean skipSpecialTokens) {
        return id >= 0 && id < vocabSize && tokens[id] != null && !(skipSpecialTokens && special[id]);
    }

    /** Copies the bytes of id (which {@link #decodes}) into out at size; returns out, or a larger copy when it was too small. */
    byte[] appendBytes(int id, byte[] out, int size) {
        int length = byteStart[id + 1] - byteStart[id];
        if (size + length > out.length) out = java.util.Arrays.copyOf(out, Math.max(out.length * 2, size + length));
        System.arraycopy(bytes, byteStart[id], out, size, length);
        return out;
    }

    int byteLength(int id) {
        return byteStart[id + 1] - byteStart[id];
    }

    /** UTF-8 to text as the reference decodes it: each maximal invalid subpart becomes one U+FFFD. */
    static String utf8Lossy(byte[] bytes, int offset, int length) {
        return Utf8.decodeLossy(bytes, offset, length);
    }

    /** A decoder for token-by-token output that never emits half a character. Not thread-safe; one per stream. */
    public StreamingDecoder streamingDecoder(boolean skipSpecialTokens) {
        return new StreamingDecoder(this, skipSpecialTokens);
    }

    Bpe bpe() {
        return bpe;
    }

    // ---- vocabulary ----

    /** Number of ids (the largest id + 1, added tokens included). */
    public int vocabSize() {
        return vocabSize;
    }

    /** The id of a token written as the vocabulary writes it (byte-level chars, e.g. "Ġthe"), or of an added token. */
    public OptionalInt tokenId(String token) {
        int id = addedIds.containsKey(token) ? addedIds.get(token) : vocab.id(token);
        return id < 0 ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** The token with this id as the vocabulary writes it, or null when none has it. */
    public String token(int id) {
        return id >= 0 && id < vocabSize ? tokens[id] : null;
    }

    /** The added tokens (matched whole in text), in the order the file lists them. */
    public List<AddedToken> addedTokens() {
        return addedTokens;
    }

    public SpecialTokenIds specialTokenIds() {
        return specialIds;
    }

    /** Whether the tokenizer came with a chat template this module renders. */
    public boolean hasChatTemplate() {
        return chatTemplate != null;
    }

    /** The chat template; throws naming why when the tokenizer has none this module renders. */
    public ChatTemplate chatTemplate() {
        if (chatTemplate == null) throw new TokenizerException(chatTemplateProblem);
        return chatTemplate;
    }
}
