package dev.imagine.mas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The roles of the built-in teacher, answering the built-in prompts from the exact planner and the
 * evaluator ({@link TeacherBackend}):
 * <ul>
 *   <li>Reasoner: step-by-step reasoning (as {@code reasoning_content}) and the planner's plan, with a
 *       deliberate mistake in a seeded fraction {@code mistakeRate} of the queries;</li>
 *   <li>Judge: "No errors." if the evaluator passes the plan, else "Errors exist.";</li>
 *   <li>Reflector: the evaluator's findings, then the planner's plan as the correction.</li>
 * </ul>
 * Answers are a function of the request alone (the mistake choice is seeded by the query), so a re-run
 * gets the same traces.
 */
public final class BuiltInTeacher {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One answer: the visible content and the reasoning (empty if none). */
    public record Answer(String content, String reasoning) {
    }

    private final TeacherBackend backend;
    private final double mistakeRate;
    private final long seed;

    public BuiltInTeacher(TeacherBackend backend, double mistakeRate, long seed) {
        if (!(mistakeRate >= 0 && mistakeRate <= 1)) throw new MasException("mistake rate must be in [0, 1], got " + mistakeRate);
        this.backend = backend;
        this.mistakeRate = mistakeRate;
        this.seed = seed;
    }

    /**
     * Which role a request is for: the model name when it names one (…reasoner, …judge, …reflector),
     * else the opening of the system prompt of the built-in prompts; null when neither tells.
     */
    public static Role roleOf(String model, String systemPrompt) {
        String m = model == null ? "" : model.toLowerCase(Locale.ROOT);
        for (Role r : Role.values()) if (m.contains(r.key())) return r;
        String s = systemPrompt == null ? "" : systemPrompt;
        if (s.startsWith("You are the Reasoner")) return Role.REASONER;
        if (s.startsWith("You are a Judge")) return Role.JUDGE;
        if (s.startsWith("You are the Reflector")) return Role.REFLECTOR;
        return null;
    }

    public Answer answer(Role role, String userMessage) {
        JsonNode query = json(section(userMessage, "Query (JSON): "), "Query (JSON)");
        return switch (role) {
            case REASONER -> reason(query);
            case JUDGE -> judge(query, section(userMessage, "Plan (JSON): "));
            case REFLECTOR -> reflect(query, section(userMessage, "Plan (JSON): "));
        };
    }

    private Answer reason(JsonNode query) {
        ArrayNode plan = (ArrayNode) json(backend.correctPlan(query), "planner output");
        Random random = new Random(seed ^ fingerprint(query));
        if (random.nextDouble() < mistakeRate) PlanMistakes.apply(plan, random);
        String reasoning = PlanNarration.narrate(query, plan);
        String content = "Here is the final plan.\n```json\n" + pretty(plan) + "\n```";
        // The mistake is not announced: the reasoning narrates the plan as given, like a confident LLM would.
        return new Answer(content, reasoning);
    }

    private Answer judge(JsonNode query, String planText) {
        if (!looksLikePlan(planText)) return new Answer("Errors exist.", "");
        PlanScore score = backend.score(query, planText);
        return new Answer(score.finalPass() ? "No errors." : "Errors exist.", "");
    }

    private Answer reflect(JsonNode query, String planText) {
        StringBuilder r = new StringBuilder();
        if (!looksLikePlan(planText)) {
            r.append("The proposed plan is missing or is not a JSON array of days, so nothing of it can be checked.\n");
        } else {
            PlanScore score = backend.score(query, planText);
            List<String> findings = findings(score);
            if (findings.isEmpty()) {
                r.append("Checking every constraint again, I find no actual error: the plan is valid as it is.\n");
                return new Answer(r + "```json\n" + planText.strip() + "\n```", "");
            }
            r.append("The plan has errors:\n");
            for (String f : findings) r.append("- ").append(f).append('\n');
        }
        r.append("I correct them using only the reference information; the corrected plan meets every constraint:\n");
        ArrayNode corrected = (ArrayNode) json(backend.correctPlan(query), "planner output");
        return new Answer(r + "```json\n" + pretty(corrected) + "\n```", "");
    }

    /** The failed checks of a score, "check: reason", from the details JSON. */
    static List<String> findings(PlanScore score) {
        List<String> out = new ArrayList<>();
        if (!score.delivered()) out.add("no plan was delivered");
        JsonNode details;
        try {
            details = JSON.readTree(score.detailsJson() == null ? "{}" : score.detailsJson());
        } catch (JsonProcessingException e) {
            details = JSON.createObjectNode();
        }
        for (String group : List.of("commonsense", "hard")) {
            JsonNode g = details.path(group);
            for (Map.Entry<String, JsonNode> e : g.properties()) {
                JsonNode pass = e.getValue().path(0);
                if (pass.isBoolean() && !pass.asBoolean()) {
                    String reason = e.getValue().path(1).asText("");
                    out.add(e.getKey() + (reason.isEmpty() || reason.equals("null") ? "" : ": " + reason));
                }
            }
        }
        if (details.has("error")) out.add("the evaluator could not check the plan: " + details.get("error").asText());
        if (out.isEmpty() && !score.finalPass()) out.add("the plan fails the evaluation");
        return out;
    }

    private static boolean looksLikePlan(String text) {
        try {
            return text != null && JSON.readTree(text).isArray();
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    /** The rest of the line that starts with {@code label}; the built-in prompts put JSON on one line. */
    static String section(String message, String label) {
        int at = message.indexOf(label);
        if (at < 0) throw new MasException("request lacks a line starting \"" + label.strip()
                + "\" (the built-in teacher understands the built-in prompts only)");
        int from = at + label.length();
        int end = message.indexOf('\n', from);
        return (end < 0 ? message.substring(from) : message.substring(from, end)).strip();
    }

    private static JsonNode json(String text, String what) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new MasException(what + " is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static String pretty(JsonNode plan) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(plan);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A stable 64-bit hash of the query (FNV-1a over its JSON text), seeding that query's choices. */
    private static long fingerprint(JsonNode query) {
        long h = 0xcbf29ce484222325L;
        for (byte b : query.toString().getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
