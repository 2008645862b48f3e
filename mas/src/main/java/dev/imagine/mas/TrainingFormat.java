package dev.imagine.mas;

import dev.imagine.tokenizer.ChatMessage;
import dev.imagine.tokenizer.ChatTemplate;
import dev.imagine.tokenizer.Tokenizer;

import java.util.List;

/**
 * Renders the student's prompt and the assistant turn with Qwen3's chat template (the tokenizer
 * module's {@link ChatTemplate}): the one place the template is applied for training text.
 */
final class TrainingFormat {
    private static final ChatTemplate QWEN3 = ChatTemplate.qwen3();
    private static final Tokenizer TOKENIZER = Tokenizer.qwen3();

    private TrainingFormat() {
    }

    /** Qwen3 tokens of a rendered text (the special tokens written in it count as one each). */
    static int tokens(String rendered) {
        return TOKENIZER.encode(rendered).length;
    }

    /** The prompt: the user turn and the opened assistant turn, i.e. what the student is given. */
    static String prompt(String userMessage) {
        return QWEN3.render(List.of(ChatMessage.user(userMessage)), true);
    }

    /** The whole conversation: the prompt, then {@code <think>\nthinking\n</think>\n\nanswer<|im_end|>}. */
    static String full(String userMessage, String thinking, String answer) {
        String prompt = prompt(userMessage);
        String full = QWEN3.render(List.of(ChatMessage.user(userMessage), ChatMessage.assistant(answer, thinking)), false);
        // Loss masking cuts the text at the prompt's length, so the prompt must be a prefix of it.
        if (!full.startsWith(prompt)) throw new IllegalStateException("chat template: the prompt is not a prefix of the full conversation");
        return full;
    }
}
