package dev.imagine.mas;

/**
 * Separates reasoning from the answer in a model's message. Servers return reasoning either in a
 * {@code reasoning_content} field (DeepSeek, vLLM's reasoning parsers) or inline as
 * {@code <think>…</think>} before the answer (Qwen3, R1 without a parser); when a chat template already
 * opened the {@code <think>}, only the closing tag appears.
 */
record ReasoningSplit(String reasoning, String answer) {
    private static final String OPEN = "<think>";
    private static final String CLOSE = "</think>";

    static ReasoningSplit of(String content, String reasoningField) {
        String text = content == null ? "" : content;
        if (reasoningField != null && !reasoningField.isBlank())
            return new ReasoningSplit(reasoningField.strip(), stripThink(text).strip());
        int close = text.indexOf(CLOSE);
        if (close < 0) return new ReasoningSplit("", text.strip());
        int open = text.indexOf(OPEN);
        int from = open >= 0 && open < close ? open + OPEN.length() : 0;
        return new ReasoningSplit(text.substring(from, close).strip(), text.substring(close + CLOSE.length()).strip());
    }

    /** Drops a (possibly empty) think block some servers echo in the content next to reasoning_content. */
    private static String stripThink(String text) {
        int close = text.indexOf(CLOSE);
        return close < 0 ? text : text.substring(close + CLOSE.length());
    }
}
