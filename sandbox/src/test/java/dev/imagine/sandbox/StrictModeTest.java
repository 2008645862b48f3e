package dev.imagine.sandbox;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each strict-mode fix (EvaluationMode S1-S7) changes exactly the verdicts of the golden family it targets. */
class StrictModeTest {
    static EvalReport official, strict;

    @BeforeAll
    static void evaluate() throws IOException {
        GoldenEvaluationTest.Golden g = GoldenEvaluationTest.Golden.load("visible");
        official = EvalReport.run(new Evaluator(Database.builtIn()), g.queries(), g.plans());
        strict = EvalReport.run(new Evaluator(Database.builtIn(), EvaluationMode.STRICT), g.queries(), g.plans());
    }

    static List<Evaluation> family(EvalReport report, String name) {
        return report.families().get(name).evaluations();
    }

    static boolean all(EvalReport report, String family, Predicate<Evaluation> test) {
        return family(report, family).stream().allMatch(test);
    }

    static Predicate<Evaluation> is(String constraint, Boolean value) {
        return e -> java.util.Objects.equals(e.effective(constraint).value(), value);
    }

    @Test
    void s1StayDayMealsMustNameTheCity() {
        assertTrue(all(official, "meal_other_city_stay_day", is("is_valid_information_in_current_city", true)));
        assertTrue(all(strict, "meal_other_city_stay_day", is("is_valid_information_in_current_city", false)));
    }

    @Test
    void s3FlightsMustMatchTheDateAndNeverRaise() {
        assertTrue(all(official, "wrong_date_flight", is("is_valid_information_in_sandbox", true)));
        assertTrue(all(strict, "wrong_date_flight", is("is_valid_information_in_sandbox", false)));
        assertTrue(all(strict, "lowercase_flight_prefix", is("is_valid_information_in_sandbox", true)));
        assertTrue(all(strict, "flight_text_without_route", is("is_valid_information_in_sandbox", false)));
    }

    @Test
    void s4NullMealsAreAbsent() {
        assertTrue(all(official, "none_meal", is("is_not_absent", true)));
        assertTrue(all(strict, "none_meal", is("is_not_absent", false)));
    }

    @Test
    void s5ThreeDayTripsMustVisitTheDestination() {
        List<Query> qs = strict.families().get("city_not_in_route").queries();
        List<Evaluation> off = family(official, "city_not_in_route"), str = family(strict, "city_not_in_route");
        int threeDay = 0;
        for (int i = 0; i < qs.size(); i++) {
            if (qs.get(i).days() != 3) continue;
            threeDay++;
            assertEquals(true, off.get(i).effective("is_reasonable_visiting_city").value());
            assertEquals(false, str.get(i).effective("is_reasonable_visiting_city").value());
        }
        assertTrue(threeDay > 0);
    }

    @Test
    void s6OriginMealsSkipOnlyThemselvesForCuisine() {
        assertTrue(family(official, "org_meal_skips_cuisine").stream().anyMatch(is("valid_cuisine", false)));
        assertFalse(family(strict, "org_meal_skips_cuisine").stream().anyMatch(is("valid_cuisine", false)));
    }

    @Test
    void s7NothingAbortsAndGreedyPlansStillPass() {
        for (EvalReport.Row row : strict.rows()) assertNull(row.evaluation().error());
        for (EvalReport.Family f : strict.families().values()) assertNull(f.metrics().error());
        assertEquals(6, MetricsTable.raising(official).size());
        assertEquals(1.0, strict.families().get("greedy").metrics().rates().get(Metrics.FINAL));
    }

    @Test
    void s2TheLastAttractionCountsWithoutTrailingSemicolon() {
        Query q = Examples.trainQueries().getFirst();
        String a = "Burpee Museum of Natural History, Rockford";
        Object plan = List.of(java.util.Map.of("days", 2, "current_city", "Rockford", "attraction", a + ";" + a));
        Evaluation off = new Evaluator(Database.builtIn()).evaluate(q, Plan.of(plan));
        Evaluation str = new Evaluator(Database.builtIn(), EvaluationMode.STRICT).evaluate(q, Plan.of(plan));
        assertEquals(true, off.perFunction().get("is_valid_attractions").result().value());
        assertEquals(false, str.perFunction().get("is_valid_attractions").result().value());
    }
}
