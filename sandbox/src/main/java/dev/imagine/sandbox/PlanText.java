package dev.imagine.sandbox;

import java.util.List;

/**
 * The texts of the official plan format, as the annotated plans write them, for code that builds plans:
 * <pre>{@code
 * PlanText.travel("Dallas", "Houston")          // "from Dallas to Houston"            (current_city of a travel day)
 * PlanText.flight(f)                            // "Flight Number: F1, from A to B, Departure Time: 07:12, Arrival Time: 12:20"
 * PlanText.drive(d)                             // "Self-driving, from A to B, duration: 16 hours 59 mins, distance: 1,774 km, cost: 88"
 * PlanText.place("Coco Bambu", "Rockford")      // "Coco Bambu, Rockford"              (meals, accommodation)
 * PlanText.attractions(List.of("A, C", "B, C")) // "A, C;B, C;"                         (every one ends with ';')
 * }</pre>
 */
public final class PlanText {
    /** "-": nothing (a meal not taken, no transportation on a stay day, no accommodation on the last day). */
    public static final String NONE = "-";

    private PlanText() {
    }

    public static String travel(String from, String to) {
        return "from " + from + " to " + to;
    }

    public static String flight(Flight f) {
        return "Flight Number: " + f.number() + ", from " + f.origin() + " to " + f.destination()
                + ", Departure Time: " + f.depTime() + ", Arrival Time: " + f.arrTime();
    }

    /** A self-driving or taxi leg; the drive must have a cost (a valid route). */
    public static String drive(Drive d) {
        if (d.cost() == null) throw new IllegalArgumentException("no valid " + d.mode().mode + " route from " + d.origin() + " to " + d.destination());
        return d.mode().title + ", from " + d.origin() + " to " + d.destination() + ", duration: " + d.duration()
                + ", distance: " + d.distance() + ", cost: " + d.cost();
    }

    public static String place(String name, String city) {
        return name + ", " + city;
    }

    /** Attractions joined with ';' and ending with ';' (the official parser ignores text after the last ';'). */
    public static String attractions(List<String> places) {
        if (places.isEmpty()) return NONE;
        StringBuilder out = new StringBuilder();
        for (String p : places) out.append(p).append(';');
        return out.toString();
    }
}
