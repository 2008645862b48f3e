package dev.imagine.sandbox;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlanTextTest {
    @Test
    void rebuildsTheAnnotatedPlanOfTheFirstTrainQueryWhichThenPasses() {
        Database db = Database.builtIn();
        Tools tools = new Tools(db);
        Query q = Examples.trainQueries().getFirst();   // St. Petersburg -> Rockford, 2022-03-16..18
        Flight out = tools.flights("St. Petersburg", "Rockford", "2022-03-16").getFirst();
        Flight back = tools.flights("Rockford", "St. Petersburg", "2022-03-18").getFirst();
        Map<?, ?> official = (Map<?, ?>) Examples.trainPlans().stream()
                .filter(r -> r.queryIdx() == 0 && "annotated".equals(r.variant())).findFirst().orElseThrow().plan().days().getFirst();
        assertEquals(official.get("transportation"), PlanText.flight(out));
        String hotel = "Pure luxury one bdrm + sofa bed on Central Park, Rockford";
        Plan plan = Plan.ofDays(List.of(
                new PlanDay(1, PlanText.travel("St. Petersburg", "Rockford"), PlanText.flight(out), PlanText.NONE, PlanText.NONE,
                        PlanText.NONE, PlanText.place("Coco Bambu", "Rockford"), hotel),
                new PlanDay(2, "Rockford", PlanText.NONE, PlanText.place("Dial A Cake", "Rockford"),
                        PlanText.attractions(List.of("Burpee Museum of Natural History, Rockford", "Midway Village Museum, Rockford")),
                        PlanText.place("Flying Mango", "Rockford"), PlanText.place("Cafe Southall", "Rockford"), hotel),
                new PlanDay(3, PlanText.travel("Rockford", "St. Petersburg"), PlanText.flight(back), PlanText.place("Subway", "Rockford"),
                        PlanText.attractions(List.of("Discovery Center Museum, Rockford")), PlanText.NONE, PlanText.NONE, PlanText.NONE)));
        Evaluation e = new Evaluator(db).evaluate(q, plan);
        assertTrue(e.finalPassed(), () -> e.commonsense() + " " + e.hard() + " " + e.perFunction());
        assertEquals("Self-driving, from Detroit to Norfolk, duration: 10 hours 55 mins, distance: 1,144 km, cost: 57",
                PlanText.drive(tools.drive("Detroit", "Norfolk", TravelMode.SELF_DRIVING)));
    }
}
