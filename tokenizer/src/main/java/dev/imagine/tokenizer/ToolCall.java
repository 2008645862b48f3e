package dev.imagine.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Objects;

/**
 * A tool call an assistant turn makes.
 *
 * @param name      the function's name
 * @param arguments a JSON object (rendered as Python's json.dumps writes it), or a JSON string holding
 *                  arguments already serialised (rendered as is), as the template distinguishes them
 */
public record ToolCall(String name, JsonNode arguments) {
    public ToolCall {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arguments, "arguments");
    }
}
