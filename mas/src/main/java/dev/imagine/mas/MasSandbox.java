package dev.imagine.mas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagine.sandbox.Database;
import dev.imagine.sandbox.Evaluation;
import dev.imagine.sandbox.Evaluator;
import dev.imagine.sandbox.ExactPlanner;
import dev.imagine.sandbox.Plan;
import dev.imagine.sandbox.Queries;
import dev.imagine.sandbox.Query;
import dev.imagine.sandbox.ReferenceInfo;
import dev.imagine.sandbox.Result;
import dev.imagine.sandbox.SandboxException;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The MAS's link to the TravelPlanner sandbox: reference information for queries, the official
 * evaluator's scores of plans, and (for the built-in teacher) correct plans from a {@link PlanSource}
 * (the exact planner by default, see {@link ExactPlanSource}).
 *
 * <p>Usage: {@code MasSandbox s = MasSandbox.builtIn(); PlanScore score = s.score(query, planJson);}
 */
public final class MasSandbox implements QueryFile.ReferenceSource, PlanScorer, TeacherBackend {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Database db;
    private final Evaluator evaluator;
    private final PlanSource planner;
    private final Map<String, String> plans = new ConcurrentHashMap<>();

    public MasSandbox(Database db, PlanSource planner) {
        this.db = db;
        this.evaluator = new Evaluator(db);
        this.planner = planner;
    }

    /** The database shipped with the project, plans from the exact planner. */
    public static MasSandbox builtIn() {
        Database db = Database.builtIn();
        return new MasSandbox(db, new ExactPlanSource(new ExactPlanner(db)));
    }

    /** An official {@code database/} folder, plans from the exact planner. */
    public static MasSandbox load(Path databaseDir) {
        Database db = Database.load(databaseDir);
        return new MasSandbox(db, new ExactPlanSource(new ExactPlanner(db)));
    }

    /** Where the teacher's plans came from so far (the plan source's account). */
    public String planSourceReport() {
        return planner.toString();
    }

    public Database database() {
        return db;
    }

    /** Parses a structured query (queries.jsonl object); errors name the field. */
    static Query query(JsonNode node) {
        try {
            return Queries.parse("query", 1, node);
        } catch (SandboxException e) {
            throw new MasException("bad query: " + e.getMessage(), e);
        }
    }

    @Override
    public String referenceInfo(JsonNode queryNode) {
        try {
            return ReferenceInfo.of(db, query(queryNode));
        } catch (SandboxException e) {
            throw new MasException(e.getMessage(), e);
        }
    }

    @Override
    public PlanScore score(MasQuery q, String planJson) {
        try {
            return score(JSON.readTree(q.queryJson()), planJson);
        } catch (JsonProcessingException e) {
            throw new MasException("query " + q.id() + " is not JSON: " + e.getOriginalMessage());
        }
    }

    @Override
    public PlanScore score(JsonNode queryNode, String planJson) {
        Query query = query(queryNode);
        Plan plan;
        try {
            plan = planJson == null ? Plan.of(null) : Plan.parseJson(planJson);
        } catch (SandboxException notJson) {
            plan = Plan.of(null);
        }
        Evaluation e = evaluator.evaluate(query, plan);
        ObjectNode details = JSON.createObjectNode();
        int passed = 0;
        int evaluated = 0;
        if (e.delivered()) {
            for (String group : List.of("commonsense", "hard")) {
                ObjectNode g = details.putObject(group);
                for (String name : group.equals("commonsense") ? Evaluation.COMMONSENSE : Evaluation.HARD) {
                    Result r = e.effective(name);
                    ArrayNode pair = g.putArray(name);
                    if (r.value() == null) pair.addNull();
                    else pair.add(r.value());
                    pair.add(r.reason());
                    if (r.value() != null) {
                        evaluated++;
                        if (r.value()) passed++;
                    }
                }
            }
        }
        if (e.error() != null) details.put("error", e.error());
        if (e.totalCost() != null) details.put("total_cost", e.totalCost());
        details.put("hard_evaluated", e.hardEvaluated());
        return new PlanScore(e.delivered(), e.commonsensePassed(), e.hardPassed(), e.finalPassed(), passed, evaluated, details.toString());
    }

    /** The plan source's plan, computed once per query (the Reasoner and the Reflector both ask). */
    @Override
    public String correctPlan(JsonNode queryNode) {
        return plans.computeIfAbsent(queryNode.toString(), key -> {
            try {
                return planner.plan(queryNode, JSON.readTree(referenceInfo(queryNode)));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("the sandbox's reference information is not JSON", e);
            }
        });
    }
}
