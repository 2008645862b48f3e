package dev.imagine.sandbox;

import java.util.HashMap;
import java.util.Map;

/**
 * googleDistanceMatrix/distance.csv as the official tool reads it: {@code pd.read_csv} without dropna (its
 * cost column is empty), the first row of an (origin, destination) pair wins, NaN cells stay NaN (null).
 */
final class DistanceMatrix {
    private record Pair(String duration, String distance, Double km) {
    }

    private final Map<String, Pair> pairs = new HashMap<>();

    DistanceMatrix(CsvRows in) {
        int origin = in.column("origin"), destination = in.column("destination"),
                duration = in.column("duration"), distance = in.column("distance");
        for (String[] row; (row = in.next()) != null; ) {
            String key = key(cell(row, origin), cell(row, destination));
            if (pairs.containsKey(key)) continue;
            String dur = cell(row, duration), dist = cell(row, distance);
            Double km = null;
            if (dist != null) {
                // the official cost is int(eval(distance.replace("km", "").replace(",", "")) * rate)
                String number = dist.replace("km", "").replace(",", "").strip();
                if (!ColumnKind.isDecimal(number))
                    throw new SandboxException(in.source + " line " + in.line() + ": field 'distance' is not '<number> km': '" + dist + "'");
                km = Double.parseDouble(number);
            }
            pairs.put(key, new Pair(dur, dist, km));
        }
    }

    private static String cell(String[] row, int column) {
        return CsvRows.isNa(row, column) ? null : row[column];
    }

    private static String key(String origin, String destination) {
        return origin + '\u0000' + destination;
    }

    /** {@code run_for_evaluation(origin, destination, mode)}; the names have their "(State)" suffix cut first. */
    Drive drive(String origin, String destination, TravelMode mode) {
        String from = OfficialText.beforeParenthesis(origin), to = OfficialText.beforeParenthesis(destination);
        Pair pair = pairs.get(key(from, to));
        if (pair == null || pair.duration == null || pair.distance == null)
            return new Drive(from, to, mode, null, null, null);
        Integer cost = null;
        if (!pair.duration.contains("day")) cost = cost(pair.km, mode);
        return new Drive(from, to, mode, pair.duration, pair.distance, cost);
    }

    /** Python's {@code int(km * 0.05)} (self-driving) or {@code int(km)} (taxi): truncation toward zero. */
    private static int cost(double km, TravelMode mode) {
        return (int) (mode == TravelMode.SELF_DRIVING ? km * 0.05 : km);
    }

    /** {@code GoogleDistanceMatrix.run(origin, destination, mode)}: the text the reference information shows. */
    String text(String origin, String destination, TravelMode mode) {
        String from = OfficialText.beforeParenthesis(origin), to = OfficialText.beforeParenthesis(destination);
        Pair pair = pairs.get(key(from, to));
        if (pair == null) return mode.mode + ", from " + from + " to " + to + ", no valid information.";
        if (pair.duration == null || pair.distance == null || pair.duration.contains("day")) return "No valid information.";
        return mode.mode + ", from " + from + " to " + to + ", duration: " + pair.duration + ", distance: "
                + pair.distance + ", cost: " + cost(pair.km, mode);
    }
}
