package dev.imagine.sandbox;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The flights table, {@code pd.read_csv(path).dropna()[nine columns]}, stored by column so the official
 * 305 MB file (3.8 million rows) takes about 75 bytes a row, indexes included: flight numbers in one byte arena, prices and
 * distances as doubles, cities/dates/times as dictionary codes. No String is kept per row. Two indexes
 * answer the official queries:
 * <ul>
 *   <li>route index: rows sorted by (origin, destination, date), for {@code Flights.run};</li>
 *   <li>number index: a hash table of flight numbers with rows chained in file order, for the evaluator's
 *       "number + origin + destination" check and {@code get_total_cost}'s first-row-with-this-number.</li>
 * </ul>
 */
final class FlightTable {
    static final List<String> COLUMNS = List.of("Flight Number", "Price", "DepTime", "ArrTime",
            "ActualElapsedTime", "FlightDate", "OriginCityName", "DestCityName", "Distance");

    private static final int ROW_BITS = 25, CITY_BITS = 13, DATE_BITS = 12;

    final ColumnKind priceKind, distanceKind;
    private final Dictionary cities = new Dictionary(), dates = new Dictionary(), times = new Dictionary(),
            elapsedTimes = new Dictionary();
    private int rows;
    private byte[] numberBytes = new byte[1 << 16];
    private int[] numberEnd = new int[1 << 12];         // number of row r = numberBytes[numberEnd[r-1] .. numberEnd[r])
    private double[] price = new double[1 << 12], distance = new double[1 << 12];
    private int[] dep = new int[1 << 12], arr = new int[1 << 12], elapsed = new int[1 << 12],
            date = new int[1 << 12], origin = new int[1 << 12], dest = new int[1 << 12];
    private long[] route;                                // sorted (origin, dest, date, row) keys
    private int[] numberHead, numberNext;                // open-addressing table of first rows; next row with the same number

    private FlightTable(CsvRows in, PrintStream progress) {
        int width = in.header.size();
        int[] col = new int[COLUMNS.size()];
        for (int c = 0; c < col.length; c++) col[c] = in.column(COLUMNS.get(c));
        ColumnKind.Inference priceInference = new ColumnKind.Inference(), distanceInference = new ColumnKind.Inference();
        int usedBytes = 0;
        long read = 0;
        for (String[] row; (row = in.next()) != null; ) {
            read++;
            if (progress != null && read % 1_000_000 == 0) progress.printf("  flights: %,d rows read%n", read);
            priceInference.add(row, col[1]);
            distanceInference.add(row, col[8]);
            if (CsvRows.anyNa(row, width)) continue;
            if (rows == price.length) grow();
            byte[] number = row[col[0]].getBytes(StandardCharsets.UTF_8);
            if (usedBytes + number.length > numberBytes.length)
                numberBytes = Arrays.copyOf(numberBytes, Math.max(numberBytes.length * 2, usedBytes + number.length));
            System.arraycopy(number, 0, numberBytes, usedBytes, number.length);
            usedBytes += number.length;
            numberEnd[rows] = usedBytes;
            price[rows] = number(in, row, col[1], "Price");
            dep[rows] = times.code(row[col[2]]);
            arr[rows] = times.code(row[col[3]]);
            elapsed[rows] = elapsedTimes.code(row[col[4]]);
            date[rows] = dates.code(row[col[5]]);
            origin[rows] = cities.code(row[col[6]]);
            dest[rows] = cities.code(row[col[7]]);
            distance[rows] = number(in, row, col[8], "Distance");
            rows++;
        }
        trim(usedBytes);
        priceKind = priceInference.kind();
        distanceKind = distanceInference.kind();
        if (rows >= 1 << ROW_BITS || cities.size() >= 1 << CITY_BITS || dates.size() >= 1 << DATE_BITS)
            throw new SandboxException(in.source + ": too many rows/cities/dates for the flight index ("
                    + rows + " rows, " + cities.size() + " cities, " + dates.size() + " dates)");
        buildRouteIndex();
        buildNumberIndex();
    }

    static FlightTable read(CsvRows in, PrintStream progress) {
        return new FlightTable(in, progress);
    }

    private static double number(CsvRows in, String[] row, int column, String name) {
        String cell = row[column];
        if (!ColumnKind.isDecimal(cell))
            throw new SandboxException(in.source + " line " + in.line() + ": field '" + name + "' is not a number: '" + cell + "'");
        return Table.parseDouble(cell);
    }

    private void grow() {
        int n = price.length * 2;
        numberEnd = Arrays.copyOf(numberEnd, n);
        price = Arrays.copyOf(price, n);
        distance = Arrays.copyOf(distance, n);
        dep = Arrays.copyOf(dep, n);
        arr = Arrays.copyOf(arr, n);
        elapsed = Arrays.copyOf(elapsed, n);
        date = Arrays.copyOf(date, n);
        origin = Arrays.copyOf(origin, n);
        dest = Arrays.copyOf(dest, n);
    }

    /** Drops the growth slack of the column arrays. */
    private void trim(int usedBytes) {
        numberBytes = Arrays.copyOf(numberBytes, usedBytes);
        numberEnd = Arrays.copyOf(numberEnd, rows);
        price = Arrays.copyOf(price, rows);
        distance = Arrays.copyOf(distance, rows);
        dep = Arrays.copyOf(dep, rows);
        arr = Arrays.copyOf(arr, rows);
        elapsed = Arrays.copyOf(elapsed, rows);
        date = Arrays.copyOf(date, rows);
        origin = Arrays.copyOf(origin, rows);
        dest = Arrays.copyOf(dest, rows);
    }

    private static long routeKey(int origin, int dest, int date) {
        return ((((long) origin << CITY_BITS) | dest) << DATE_BITS | date) << ROW_BITS;
    }

    private void buildRouteIndex() {
        route = new long[rows];
        for (int r = 0; r < rows; r++) route[r] = routeKey(origin[r], dest[r], date[r]) | r;
        Arrays.sort(route);   // equal routes keep file order: the row is the low bits
    }

    private void buildNumberIndex() {
        int capacity = Integer.highestOneBit(Math.max(16, rows * 2)) << 1;
        numberHead = new int[capacity];
        Arrays.fill(numberHead, -1);
        numberNext = new int[rows];
        // walk rows backwards and push onto each chain: chains end up in file order
        for (int r = rows - 1; r >= 0; r--) {
            int slot = slotOf(r, capacity);
            numberNext[r] = numberHead[slot];
            numberHead[slot] = r;
        }
    }

    /** The slot of row r's number: linear probing over slots holding other numbers. */
    private int slotOf(int r, int capacity) {
        int start = r == 0 ? 0 : numberEnd[r - 1];
        int slot = hash(numberBytes, start, numberEnd[r]) & (capacity - 1);
        while (numberHead[slot] >= 0 && !sameNumber(numberHead[slot], numberBytes, start, numberEnd[r]))
            slot = (slot + 1) & (capacity - 1);
        return slot;
    }

    private static int hash(byte[] bytes, int from, int to) {
        int h = 0x811c9dc5;                        // FNV-1a
        for (int i = from; i < to; i++) h = (h ^ bytes[i]) * 0x01000193;
        return h ^ (h >>> 16);
    }

    private boolean sameNumber(int row, byte[] bytes, int from, int to) {
        int start = row == 0 ? 0 : numberEnd[row - 1];
        return Arrays.equals(numberBytes, start, numberEnd[row], bytes, from, to);
    }

    int size() {
        return rows;
    }

    /** Rows with this flight number, in file order (empty if none). */
    int[] rowsWithNumber(String number) {
        byte[] key = number.getBytes(StandardCharsets.UTF_8);
        int capacity = numberHead.length;
        int slot = hash(key, 0, key.length) & (capacity - 1);
        while (numberHead[slot] >= 0) {
            if (sameNumber(numberHead[slot], key, 0, key.length)) {
                int count = 0;
                for (int r = numberHead[slot]; r >= 0; r = numberNext[r]) count++;
                int[] out = new int[count];
                int i = 0;
                for (int r = numberHead[slot]; r >= 0; r = numberNext[r]) out[i++] = r;
                return out;
            }
            slot = (slot + 1) & (capacity - 1);
        }
        return new int[0];
    }

    /** {@code Flights.run(origin, destination, date)}: matching rows in file order. */
    int[] rowsOnRoute(String originCity, String destinationCity, String day) {
        int o = cities.find(originCity), d = cities.find(destinationCity), t = dates.find(day);
        if (o < 0 || d < 0 || t < 0) return new int[0];
        long key = routeKey(o, d, t);
        int lo = lowerBound(key), hi = lowerBound(key + (1L << ROW_BITS));
        int[] out = new int[hi - lo];
        for (int i = lo; i < hi; i++) out[i - lo] = (int) (route[i] & ((1L << ROW_BITS) - 1));
        return out;
    }

    private int lowerBound(long key) {
        int lo = 0, hi = route.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (route[mid] < key) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    String origin(int row) {
        return cities.value(origin[row]);
    }

    String destination(int row) {
        return cities.value(dest[row]);
    }

    String date(int row) {
        return dates.value(date[row]);
    }

    double price(int row) {
        return price[row];
    }

    Flight flight(int row) {
        int start = row == 0 ? 0 : numberEnd[row - 1];
        return new Flight(new String(numberBytes, start, numberEnd[row] - start, StandardCharsets.UTF_8),
                price[row], times.value(dep[row]), times.value(arr[row]), elapsedTimes.value(elapsed[row]),
                dates.value(date[row]), cities.value(origin[row]), cities.value(dest[row]), distance[row]);
    }

    /** Every row of one route and date (all dates if {@code day} is null), for planners. */
    List<Flight> flights(String originCity, String destinationCity, String day) {
        List<Flight> out = new ArrayList<>();
        for (int r : rowsOnRoute(originCity, destinationCity, day)) out.add(flight(r));
        return out;
    }
}
