package dev.imagine.mas;

/**
 * Builds IMAGINE's training text for one query (paper §3.2): the Reasoner's reasoning, the reflection
 * marker, the Reflector's reflection (or "No errors." when both judges passed the plan) and the closing
 * marker inside the {@code <think>} block of Qwen3's assistant turn, then the final plan right after
 * {@code </think>} as the answer: the closing marker says "now output the final answer", and at inference
 * the answer is what follows the think block.
 *
 * <p>Usage: {@code TraceAssembler.Text t = TraceAssembler.assemble(studentPrompt, reasoning, reflection, planJson)}
 */
public final class TraceAssembler {
    public static final String REFLECTION_MARKER =
            "REFLECTION(Now, I need to reflect on whether there are any errors in my reasoning above):";
    public static final String NO_ERRORS = "No errors.";
    public static final String FINAL_MARKER = "The reflection is over, now IMMEDIATELY output the final answer!";

    private TraceAssembler() {
    }

    /** The prompt (for loss masking), the full text = prompt + completion, and their Qwen3 token counts. */
    public record Text(String prompt, String full, int promptTokens, int tokens) {
    }

    /**
     * @param reflection the Reflector's reflection, or null when no judge flagged errors
     */
    public static Text assemble(String studentPrompt, String reasoning, String reflection, String finalPlanJson) {
        String thinking = reasoning.strip() + "\n\n" + REFLECTION_MARKER + "\n"
                + (reflection == null ? NO_ERRORS : reflection.strip()) + "\n\n"
                + FINAL_MARKER;
        String prompt = TrainingFormat.prompt(studentPrompt);
        String full = TrainingFormat.full(studentPrompt, thinking, finalPlanJson);
        return new Text(prompt, full, TrainingFormat.tokens(prompt), TrainingFormat.tokens(full));
    }
}
