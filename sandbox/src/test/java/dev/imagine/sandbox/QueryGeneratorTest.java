package dev.imagine.sandbox;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Property tests: generated queries follow the official generation rules and their labels are the exact planner's. */
class QueryGeneratorTest {
    static final Database DB = Database.builtIn();
    static final ExactPlanner PLANNER = new ExactPlanner(DB);
    static final int COUNT = 60;
    static List<Query> golden;
    static List<GeneratedQuery> generated;

    @BeforeAll
    static void generate() {
        golden = QueryGenerator.goldenQueries();
        generated = new QueryGenerator(PLANNER, 20260601).generate(COUNT, golden);
    }

    @Test
    void goldenQueriesAreTheTrainAndVisibleSets() {
        assertEquals(45 + 150, golden.size());
    }

    @Test
    void usableCitiesAreTheOfficialCount() {
        assertEquals(277, new QueryGenerator(PLANNER, 1).usableCities().size());
    }

    @Test
    void levelsAndDaysAreBalanced() {
        Map<String, Integer> levels = new HashMap<>();
        Map<String, Integer> levelDays = new HashMap<>();
        for (GeneratedQuery g : generated) {
            levels.merge(g.query().level(), 1, Integer::sum);
            levelDays.merge(g.query().level() + g.query().days(), 1, Integer::sum);
        }
        assertEquals(Map.of("easy", 20, "medium", 20, "hard", 20), levels);
        for (String level : Query.LEVELS) {
            assertEquals(7, levelDays.get(level + 3));
            assertEquals(7, levelDays.get(level + 5));
            assertEquals(6, levelDays.get(level + 7));
        }
    }

    @Test
    void structureFollowsTheOfficialRules() {
        Set<String> usable = new HashSet<>(new QueryGenerator(PLANNER, 1).usableCities());
        for (GeneratedQuery g : generated) {
            Query q = g.query();
            String where = q.toJson();
            assertEquals(q.days(), 2 * q.visitingCityNumber() + 1, where);
            assertTrue(List.of(3, 5, 7).contains(q.days()), where);
            // consecutive March 2022 dates
            assertEquals(q.days(), q.date().size(), where);
            LocalDate first = LocalDate.parse(q.date().getFirst());
            for (int i = 0; i < q.days(); i++) {
                LocalDate d = LocalDate.parse(q.date().get(i));
                assertEquals(first.plusDays(i), d, where);
                assertEquals(2022, d.getYear());
                assertEquals(3, d.getMonthValue());
            }
            // destination rules
            String orgState = DB.stateOf(q.org());
            if (q.days() == 3) {
                assertTrue(usable.contains(q.dest()), where);
                assertNotEquals(orgState, DB.stateOf(q.dest()), where);
            } else {
                assertTrue(DB.states().contains(q.dest()), where);
                assertNotEquals(orgState, q.dest(), where);
                long usableInState = new LinkedHashSet<>(DB.cities(q.dest())).stream().filter(usable::contains).count();
                assertTrue(usableInState > 3, where);
                assertEquals(q.visitingCityNumber(), q.route().size(), where);
                for (String c : q.route()) assertEquals(q.dest(), DB.stateOf(c), where);
                assertEquals(q.route().size(), new HashSet<>(q.route()).size(), where);
            }
            // people and constraint counts by level
            int constraints = (q.houseRule() != null ? 1 : 0) + (q.cuisine() != null ? 1 : 0)
                    + (q.roomType() != null ? 1 : 0) + (q.transportation() != null ? 1 : 0);
            switch (q.level()) {
                case "easy" -> {
                    assertEquals(1, q.peopleNumber(), where);
                    assertEquals(0, constraints, where);
                }
                case "medium" -> {
                    assertEquals(1, constraints, where);
                    assertNull(q.transportation(), where);
                    if (q.cuisine() != null) assertEquals(2, q.cuisine().size(), where);
                }
                default -> {
                    assertEquals(3, constraints, where);
                    if (q.cuisine() != null) assertEquals(4, q.cuisine().size(), where);
                }
            }
            if (!q.level().equals("easy")) assertTrue(q.peopleNumber() >= 2 && q.peopleNumber() <= 8, where);
            if (q.cuisine() != null) {
                assertEquals(q.cuisine().size(), new HashSet<>(q.cuisine()).size(), where);
                assertTrue(QueryGenerator.CUISINES.containsAll(q.cuisine()), where);
            }
            if (q.roomType() != null) {
                assertTrue(Query.ROOM_TYPES.contains(q.roomType()), where);
                if (q.peopleNumber() > 2) assertTrue(List.of("private room", "entire room").contains(q.roomType()), where);
            }
            if (q.houseRule() != null) assertTrue(Query.HOUSE_RULES.contains(q.houseRule()), where);
            if (q.transportation() != null) assertTrue(Query.TRANSPORTATIONS.contains(q.transportation()), where);
        }
    }

    @Test
    void noDuplicatesAmongThemselvesOrWithTheGoldenSets() {
        Set<String> keys = new HashSet<>();
        for (Query q : golden) keys.add(QueryGenerator.key(q));
        for (GeneratedQuery g : generated) assertTrue(keys.add(QueryGenerator.key(g.query())), g.query().toJson());
    }

    @Test
    void budgetsCoverTheExactCostAndFeasibleQueriesHavePassingPlans() {
        for (GeneratedQuery g : generated) {
            Query q = g.query();
            assertTrue(g.feasible(), q.toJson());
            assertEquals(0, q.budget() % 100, q.toJson());
            assertTrue(q.budget() >= g.plannerCost(), q.toJson());
            assertTrue(q.budget() <= Math.round(g.plannerCost() * 1.6 / 100) * 100 + 100, q.toJson());
            PlanResult r = PLANNER.plan(q);
            assertEquals(PlanResult.Status.FEASIBLE, r.status(), q.toJson());
            assertEquals(g.plannerCost(), r.cost(), 1e-9);
            assertEquals(q.route(), r.route());
            ExactPlannerTest.assertAllPass(q, r.plan(), q.toJson());
        }
    }

    @Test
    void textMentionsEveryElement() {
        for (GeneratedQuery g : generated) {
            Query q = g.query();
            String t = q.query();
            assertTrue(t.contains(q.org()), t);
            assertTrue(t.contains(q.dest()), t);
            assertTrue(t.contains(QueryText.money(q.budget())), t);
            assertTrue(t.contains(QueryText.dateText(q.date().getFirst())), t);
            assertTrue(t.contains(QueryText.dateText(q.date().getLast())), t);
            assertTrue(t.contains(q.days() + " days") || t.contains(q.days() + "-day"), t);
            if (q.houseRule() != null) assertTrue(t.contains(q.houseRule().equals("pets") ? "pet" : q.houseRule()), t);
            if (q.cuisine() != null) for (String c : q.cuisine()) assertTrue(t.contains(c), t);
            if (q.roomType() != null) assertTrue(t.toLowerCase().contains(q.roomType().equals("not shared room") ? "share"
                    : q.roomType().split(" ")[0]), t);
            if (q.transportation() != null) assertTrue(t.contains(q.transportation().equals("no flight") ? "fl" : "driv"), t);
        }
    }

    @Test
    void jsonRoundTripsAsAnOfficialQuery() throws IOException {
        for (GeneratedQuery g : generated) {
            String line = g.toJson();
            List<Query> back = Queries.read("generated", new ByteArrayInputStream(line.getBytes(StandardCharsets.UTF_8)));
            assertEquals(g.query(), back.getFirst());
            assertTrue(line.contains("\"feasible\": true"), line);
        }
    }

    @Test
    void referenceInformationCanBeBuiltFromTheAttachedRoute() {
        for (GeneratedQuery g : generated.subList(0, COUNT / 2)) {
            String info = ReferenceInfo.of(DB, g.query());
            for (String c : g.query().route()) assertTrue(info.contains("\"Accommodations in " + c + "\""), c);
            assertEquals(g.query().visitingCityNumber() + 1, g.query().legs().size());
        }
    }

    @Test
    void anySplitPlannerGivesLegsOnThePlansTravelDays() {
        ExactPlanner any = new ExactPlanner(DB, ExactPlanner.Itineraries.ANY_SPLIT);
        for (GeneratedQuery g : new QueryGenerator(any, 9).generate(6, golden)) {
            Query q = g.query();
            PlanResult r = any.plan(q);
            assertEquals(q.legs(), r.legs());
            int leg = 0;
            for (Object day : r.plan().days()) {
                var m = (Map<?, ?>) day;
                if (!String.valueOf(m.get("current_city")).startsWith("from ")) continue;
                int dayIndex = (Integer) m.get("days") - 1;
                assertEquals(q.date().get(dayIndex), q.legs().get(leg++).date(), q.toJson());
            }
            assertEquals(q.legs().size(), leg);
        }
    }

    @Test
    void deterministicForASeed() {
        List<GeneratedQuery> again = new QueryGenerator(PLANNER, 20260601).generate(9, golden);
        List<GeneratedQuery> other = new QueryGenerator(PLANNER, 20260602).generate(9, golden);
        List<GeneratedQuery> first = new QueryGenerator(PLANNER, 20260601).generate(9, golden);
        assertEquals(first.stream().map(GeneratedQuery::toJson).toList(), again.stream().map(GeneratedQuery::toJson).toList());
        assertNotEquals(first.stream().map(GeneratedQuery::toJson).toList(), other.stream().map(GeneratedQuery::toJson).toList());
    }

    @Test
    void infeasibleFractionGivesBudgetsBelowTheOptimumAndTheLabelIsProved() {
        List<GeneratedQuery> qs = new QueryGenerator(PLANNER, 5).withInfeasibleFraction(1).generate(6, golden);
        for (GeneratedQuery g : qs) {
            assertFalse(g.feasible());
            assertTrue(g.query().budget() < g.plannerCost());
            PlanResult r = PLANNER.plan(g.query());
            assertEquals(PlanResult.Status.OVER_BUDGET, r.status());
            assertTrue(r.feasiblePlan().isEmpty());
        }
        assertThrows(SandboxException.class, () -> new QueryGenerator(PLANNER, 5).withInfeasibleFraction(1.5));
    }
}
