package dev.imagine.sandbox;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Natural-language text of a generated query, in several phrasings in the style of the TravelPlanner
 * dataset. The text always states the origin, the destination (a city, or the number of cities in a
 * state), the number of days, the dates, the number of people, the budget and every local constraint.
 *
 * <pre>{@code String text = QueryText.write(query, new SplittableRandom(7));}</pre>
 */
public final class QueryText {
    private QueryText() {
    }

    private static final String[] NUMBER_WORDS = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"};

    /** Writes the text for a query (its {@code query} field is ignored); the phrasing is drawn from {@code rnd}. */
    public static String write(Query q, SplittableRandom rnd) {
        String people = people(q.peopleNumber(), rnd);
        String start = dateText(q.date().getFirst()), end = dateText(q.date().get(q.days() - 1));
        String budget = money(q.budget());
        String dest = q.days() == 3 ? q.dest() : cities(q.visitingCityNumber()) + " in " + q.dest();
        String main = switch (rnd.nextInt(5)) {
            case 0 -> "Could you create a " + q.days() + "-day travel plan for " + people + " departing from " + q.org()
                    + " and " + (q.days() == 3 ? "heading to " + dest : "visiting " + dest) + " from " + start + " to " + end
                    + ", 2022? The budget is " + budget + ".";
            case 1 -> "Please help me plan a trip from " + q.org() + " to " + dest + " spanning " + q.days() + " days from "
                    + start + " to " + end + ", 2022. The travel should be planned for " + people + " with a budget of " + budget + ".";
            case 2 -> "Can you provide a travel plan for " + people + " departing from " + q.org() + " to " + dest + " for "
                    + q.days() + " days, from " + start + " to " + end + ", 2022, with a budget of " + budget + "?";
            case 3 -> "Please design a travel plan departing from " + q.org() + " and heading to " + dest + " for " + q.days()
                    + " days, from " + start + " to " + end + ", 2022, for " + people + ", with a budget of " + budget + ".";
            default -> "I am planning a " + q.days() + "-day trip for " + people + " from " + q.org() + " to " + dest
                    + ", from " + start + " to " + end + ", 2022, and can spend at most " + budget + " in total.";
        };
        List<String> extra = new ArrayList<>();
        if (q.houseRule() != null) extra.add(houseRule(q.houseRule(), rnd));
        if (q.cuisine() != null && !q.cuisine().isEmpty()) extra.add(cuisine(q.cuisine(), rnd));
        if (q.roomType() != null) extra.add(roomType(q.roomType(), rnd));
        if (q.transportation() != null) extra.add(transportation(q.transportation(), rnd));
        return extra.isEmpty() ? main : main + " " + String.join(" ", extra);
    }

    private static String people(int n, SplittableRandom rnd) {
        if (n == 1) return pick(rnd, "one person", "a single traveler", "1 person", "a solo traveler");
        String word = n < NUMBER_WORDS.length ? NUMBER_WORDS[n] : String.valueOf(n);
        return pick(rnd, n + " people", "a group of " + word, word + " travelers", "a party of " + n);
    }

    private static String cities(int k) {
        return (k < NUMBER_WORDS.length ? NUMBER_WORDS[k] : String.valueOf(k)) + (k == 1 ? " city" : " cities");
    }

    private static String houseRule(String rule, SplittableRandom rnd) {
        return switch (rule) {
            case "pets" -> pick(rnd, "We are bringing pets, so the accommodations must be pet-friendly.",
                    "Our accommodations need to allow pets.");
            case "smoking" -> pick(rnd, "The accommodations must allow smoking.", "We need places where smoking is permitted.");
            case "parties" -> pick(rnd, "The accommodations should allow parties.", "We plan to host a party, so parties must be allowed.");
            case "visitors" -> pick(rnd, "Our accommodations must allow visitors.", "We expect visitors, so the places we stay must permit them.");
            case "children under 10" -> pick(rnd, "We are traveling with children under 10, so the accommodations must allow them.",
                    "The accommodations must be suitable for children under 10.");
            default -> "The accommodations must allow " + rule + ".";
        };
    }

    private static String cuisine(List<String> cuisines, SplittableRandom rnd) {
        String list = joinAnd(cuisines);
        return pick(rnd, "We would like to try " + list + " cuisines during the trip.",
                "Our meals should include " + list + " food.",
                "We are keen on " + list + " cuisine.");
    }

    private static String roomType(String type, SplittableRandom rnd) {
        return switch (type) {
            case "not shared room" -> pick(rnd, "We do not want to share a room.", "The room must not be a shared room.");
            case "shared room" -> pick(rnd, "A shared room is fine and preferred.", "We would like to stay in shared rooms.");
            case "private room" -> pick(rnd, "We prefer private rooms.", "The accommodations should be private rooms.");
            case "entire room" -> pick(rnd, "We want to rent an entire home or apartment.", "The accommodations should be entire rooms.");
            default -> "The room type should be " + type + ".";
        };
    }

    private static String transportation(String rule, SplittableRandom rnd) {
        return switch (rule) {
            case "no flight" -> pick(rnd, "Please do not include any flights.", "We prefer not to fly.");
            case "no self-driving" -> pick(rnd, "We will not drive ourselves, so no self-driving.", "Self-driving is not an option for us.");
            default -> "Transportation: " + rule + ".";
        };
    }

    private static String joinAnd(List<String> items) {
        if (items.size() == 1) return items.getFirst();
        return String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.getLast();
    }

    /** "2022-03-09" → "March 9th". */
    static String dateText(String iso) {
        LocalDate d = LocalDate.parse(iso);
        int day = d.getDayOfMonth();
        String suffix = day % 100 >= 11 && day % 100 <= 13 ? "th" : switch (day % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
        String month = d.getMonth().getDisplayName(java.time.format.TextStyle.FULL, java.util.Locale.ENGLISH);
        return month + " " + day + suffix;
    }

    /** 1400 → "$1,400". */
    static String money(int amount) {
        return "$" + String.format(java.util.Locale.ROOT, "%,d", amount);
    }

    private static String pick(SplittableRandom rnd, String... options) {
        return options[rnd.nextInt(options.length)];
    }
}
