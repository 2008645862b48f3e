package dev.imagine.sandbox;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * A model's answer split into reasoning and plan: {@code <think>reasoning</think>} followed by the JSON
 * plan, possibly inside a ```json code fence and followed by other text. Tolerant of the wrapping, strict
 * about the plan: it must be a non-empty list of day objects with the eight official keys (or an object
 * whose "plan" is such a list).
 *
 * <pre>{@code
 * ModelOutput out = ModelOutput.parse(completion);
 * if (out.formatOk()) evaluator.evaluate(query, out.plan());
 * }</pre>
 *
 * @param formatOk  true when the think block closed and a well-formed plan followed it
 * @param reasoning the text inside {@code <think>...</think>} (null if there is none)
 * @param plan      the parsed plan (null when no JSON value could be read)
 * @param error     why the format check failed, or null
 */
public record ModelOutput(boolean formatOk, String reasoning, Plan plan, String error) {

    /** Splits and parses a completion. Never throws. */
    public static ModelOutput parse(String text) {
        if (text == null) return new ModelOutput(false, null, null, "no output");
        int close = text.indexOf("</think>");
        if (close < 0) return new ModelOutput(false, null, null, "no </think> closing the reasoning");
        int open = text.lastIndexOf("<think>", close);
        String reasoning = text.substring(open < 0 ? 0 : open + "<think>".length(), close).strip();
        String after = text.substring(close + "</think>".length());
        int start = firstJsonStart(after);
        if (start < 0) return new ModelOutput(false, reasoning, null, "no JSON plan after </think>");
        Object value;
        try (JsonParser parser = Queries.JSON.createParser(after.substring(start))) {
            value = Queries.JSON.readValue(parser, Object.class);   // reads one value; trailing text is ignored
        } catch (JsonProcessingException e) {
            return new ModelOutput(false, reasoning, null, "plan is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return new ModelOutput(false, reasoning, null, "plan is not valid JSON: " + e.getMessage());
        }
        if (value instanceof Map<?, ?> m && m.get("plan") instanceof List<?> inner) value = inner;
        Plan plan = Plan.of(value);
        if (!plan.hasOfficialStructure())
            return new ModelOutput(false, reasoning, plan, "plan must be a non-empty list of day objects with keys " + Plan.KEYS);
        return new ModelOutput(true, reasoning, plan, null);
    }

    /** Where the JSON starts: the first '[' or '{', looked for after a ``` / ```json fence line that precedes it. */
    private static int firstJsonStart(String s) {
        int first = firstBracket(s, 0);
        int fence = s.indexOf("```");
        if (fence < 0 || first >= 0 && first < fence) return first;
        int lineEnd = s.indexOf('\n', fence);
        return firstBracket(s, lineEnd < 0 ? fence + 3 : lineEnd + 1);
    }

    private static int firstBracket(String s, int from) {
        int bracket = s.indexOf('[', from), brace = s.indexOf('{', from);
        if (bracket < 0) return brace;
        if (brace < 0) return bracket;
        return Math.min(bracket, brace);
    }
}
