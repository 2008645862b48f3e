package dev.imagine.mas;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One query's trace: the query, its reference information, every teacher call, both verdicts, the
 * reflection, the Reasoner's and the final plan with the evaluator's scores, the training text, and the
 * error that ended it if any (then the later fields are null). One row of the Arrow trace store; the
 * columns are {@link TraceSchema#SCHEMA}.
 */
public record TraceRow(String queryId, String query, String queryJson, String referenceInfo,
                       RoleCall reasoner, RoleCall judge1, RoleCall judge2, RoleCall reflector,
                       String judge1Verdict, String judge2Verdict, String reflection,
                       String reasonerPlanJson, String finalPlanJson, String trainingPrompt, String trainingText,
                       Integer trainingPromptTokens, Integer trainingTokens,
                       PlanScore reasonerScore, PlanScore finalScore, String error) {
    static final String[] ROLE_PREFIXES = {"reasoner", "judge1", "judge2", "reflector"};
    static final String[] SCORE_PREFIXES = {"reasoner_plan", "final_plan"};

    /** A row for a query that ended with an error before (or while) its teachers answered. */
    public static TraceRow failed(String queryId, String query, String queryJson, String referenceInfo, String error) {
        return new TraceRow(queryId, query, queryJson, referenceInfo, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, error);
    }

    public boolean done() {
        return error == null;
    }

    /** True when either judge said errors exist, i.e. the Reflector was asked. */
    public boolean reflected() {
        return reflector != null;
    }

    /** Column name → value (String, Long, Integer, Boolean or null), in schema order. */
    public Map<String, Object> toColumns() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("query_id", queryId);
        c.put("status", done() ? "done" : "error");
        c.put("error", error);
        c.put("query", query);
        c.put("query_json", queryJson);
        c.put("reference_information", referenceInfo);
        RoleCall[] calls = {reasoner, judge1, judge2, reflector};
        for (int i = 0; i < calls.length; i++) putCall(c, ROLE_PREFIXES[i], calls[i]);
        c.put("judge1_verdict", judge1Verdict);
        c.put("judge2_verdict", judge2Verdict);
        c.put("reflection", reflection);
        c.put("reasoner_plan_json", reasonerPlanJson);
        c.put("final_plan_json", finalPlanJson);
        PlanScore[] scores = {reasonerScore, finalScore};
        for (int i = 0; i < scores.length; i++) putScore(c, SCORE_PREFIXES[i], scores[i]);
        c.put("training_prompt", trainingPrompt);
        c.put("training_text", trainingText);
        c.put("training_prompt_tokens", trainingPromptTokens);
        c.put("training_tokens", trainingTokens);
        return c;
    }

    private static void putCall(Map<String, Object> c, String p, RoleCall call) {
        c.put(p + "_model", call == null ? null : call.model());
        c.put(p + "_request", call == null ? null : call.request());
        c.put(p + "_response", call == null ? null : call.response());
        c.put(p + "_reasoning", call == null ? null : call.reasoning());
        c.put(p + "_prompt_tokens", call == null ? null : call.promptTokens());
        c.put(p + "_completion_tokens", call == null ? null : call.completionTokens());
        c.put(p + "_latency_ms", call == null ? null : call.latencyMillis());
        c.put(p + "_attempts", call == null ? null : call.attempts());
    }

    private static void putScore(Map<String, Object> c, String p, PlanScore s) {
        c.put(p + "_delivered", s == null ? null : s.delivered());
        c.put(p + "_commonsense_pass", s == null ? null : s.commonsensePass());
        c.put(p + "_hard_pass", s == null ? null : s.hardPass());
        c.put(p + "_final_pass", s == null ? null : s.finalPass());
        c.put(p + "_checks_passed", s == null ? null : s.checksPassed());
        c.put(p + "_checks_evaluated", s == null ? null : s.checksEvaluated());
        c.put(p + "_eval_json", s == null ? null : s.detailsJson());
    }

    /** The inverse of {@link #toColumns()}. */
    public static TraceRow fromColumns(Map<String, Object> c) {
        return new TraceRow(str(c, "query_id"), str(c, "query"), str(c, "query_json"), str(c, "reference_information"),
                call(c, "reasoner"), call(c, "judge1"), call(c, "judge2"), call(c, "reflector"),
                str(c, "judge1_verdict"), str(c, "judge2_verdict"), str(c, "reflection"),
                str(c, "reasoner_plan_json"), str(c, "final_plan_json"), str(c, "training_prompt"), str(c, "training_text"),
                (Integer) c.get("training_prompt_tokens"), (Integer) c.get("training_tokens"),
                score(c, "reasoner_plan"), score(c, "final_plan"), str(c, "error"));
    }

    private static RoleCall call(Map<String, Object> c, String p) {
        if (c.get(p + "_model") == null) return null;
        return new RoleCall(str(c, p + "_model"), str(c, p + "_request"), str(c, p + "_response"), str(c, p + "_reasoning"),
                (Long) c.get(p + "_prompt_tokens"), (Long) c.get(p + "_completion_tokens"),
                (Long) c.get(p + "_latency_ms"), (Integer) c.get(p + "_attempts"));
    }

    private static PlanScore score(Map<String, Object> c, String p) {
        if (c.get(p + "_delivered") == null) return null;
        return new PlanScore((Boolean) c.get(p + "_delivered"), (Boolean) c.get(p + "_commonsense_pass"),
                (Boolean) c.get(p + "_hard_pass"), (Boolean) c.get(p + "_final_pass"),
                (Integer) c.get(p + "_checks_passed"), (Integer) c.get(p + "_checks_evaluated"), str(c, p + "_eval_json"));
    }

    private static String str(Map<String, Object> c, String name) {
        return (String) c.get(name);
    }
}
