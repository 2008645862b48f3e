package dev.imagine.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * Tokenizes or detokenizes JSON Lines: each line is an object; {@link #tokenize} adds {@code "ids"} from its
 * {@code "text"}, {@link #detokenize} adds {@code "text"} from its {@code "ids"}. Other fields are kept in order.
 * Blank lines are skipped. A bad line stops the run with a {@link TokenizerException} naming file, line and field.
 *
 * <p>Usage: {@code new JsonlTokenization(tokenizer, System.err).tokenize(reader, "in.jsonl", writer)}
 */
public final class JsonlTokenization {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PROGRESS_EVERY = 10_000;

    private final Tokenizer tokenizer;
    private final PrintStream progress;

    /** What a run did. */
    public record Summary(long lines, long tokens) {
    }

    /** @param progress where a line every 10,000 input lines goes (stderr), or null for none */
    public JsonlTokenization(Tokenizer tokenizer, PrintStream progress) {
        this.tokenizer = tokenizer;
        this.progress = progress;
    }

    /** Adds "ids" (no special tokens added; special tokens written in the text are matched) to each line. */
    public Summary tokenize(BufferedReader in, String inName, Writer out) {
        return run(in, inName, out, true, false);
    }

    /** Adds "text" decoded from "ids" to each line; skipSpecialTokens drops tokens such as {@code <|im_end|>}. */
    public Summary detokenize(BufferedReader in, String inName, Writer out, boolean skipSpecialTokens) {
        return run(in, inName, out, false, skipSpecialTokens);
    }

    private Summary run(BufferedReader in, String inName, Writer out, boolean encode, boolean skipSpecialTokens) {
        long lines = 0, tokens = 0;
        try {
            String line;
            for (long lineNo = 1; (line = in.readLine()) != null; lineNo++) {
                if (line.isBlank()) continue;
                String where = inName + ":" + lineNo;
                ObjectNode object = parseObject(line, where);
                if (encode) {
                    JsonNode text = object.get("text");
                    if (text == null || !text.isTextual()) throw new TokenizerException(where + ": field \"text\" is missing or not a string");
                    int[] ids = tokenizer.encode(text.textValue());
                    ArrayNode array = object.putArray("ids");
                    for (int id : ids) array.add(id);
                    tokens += ids.length;
                } else {
                    int[] ids = ids(object.get("ids"), where);
                    object.put("text", tokenizer.decode(ids, skipSpecialTokens));
                    tokens += ids.length;
                }
                out.write(JSON.writeValueAsString(object));
                out.write('\n');
                lines++;
                if (progress != null && lines % PROGRESS_EVERY == 0) progress.printf("%s: %,d lines, %,d tokens%n", inName, lines, tokens);
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Summary(lines, tokens);
    }

    private static ObjectNode parseObject(String line, String where) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new TokenizerException(where + ": not JSON (column " + e.getLocation().getColumnNr() + "): " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode object)) throw new TokenizerException(where + ": expected a JSON object");
        return object;
    }

    private int[] ids(JsonNode node, String where) {
        if (node == null || !node.isArray()) throw new TokenizerException(where + ": field \"ids\" is missing or not an array");
        int[] ids = new int[node.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode id = node.get(i);
            if (!id.isIntegralNumber() || !id.canConvertToInt() || id.intValue() < 0 || id.intValue() >= tokenizer.vocabSize()
                    || tokenizer.token(id.intValue()) == null) {
                throw new TokenizerException(where + ": ids[" + i + "] = " + id + " is not a token id of this tokenizer (0.."
                        + (tokenizer.vocabSize() - 1) + ")");
            }
            ids[i] = id.intValue();
        }
        return ids;
    }
}
