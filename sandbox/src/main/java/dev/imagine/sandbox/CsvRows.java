package dev.imagine.sandbox;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Streams the rows of one database CSV file, the way {@code pandas.read_csv} sees them: a header row, then
 * rows of cells; quoted cells may hold commas, quotes and newlines; blank lines are skipped. Cells are
 * handed out one row at a time and never kept, so a 305 MB flights table streams in constant memory.
 *
 * <pre>{@code
 * try (CsvRows rows = CsvRows.open("flights/clean_Flights_2022.csv", in)) {
 *     for (String[] row; (row = rows.next()) != null; ) { ... rows.line() ... }
 * }
 * }</pre>
 */
final class CsvRows implements AutoCloseable {
    /** pandas' default {@code na_values}: a cell equal to one of these is NaN (and {@code dropna()} drops its row). */
    private static final Set<String> NA_VALUES = Set.of("", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN",
            "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null");

    private static final CsvMapper MAPPER = new CsvMapper();

    final String source;
    final List<String> header;
    private final MappingIterator<String[]> rows;
    private long line;

    private CsvRows(String source, MappingIterator<String[]> rows, List<String> header) {
        this.source = source;
        this.rows = rows;
        this.header = header;
    }

    /** Opens {@code in} (gzip if the source name ends with .gz) and reads the header. */
    static CsvRows open(String source, InputStream in) throws IOException {
        InputStream raw = source.endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in;
        Reader reader = new BufferedReader(new InputStreamReader(raw, StandardCharsets.UTF_8), 1 << 16);
        MappingIterator<String[]> it = MAPPER.readerFor(String[].class)
                .with(CsvParser.Feature.WRAP_AS_ARRAY)
                .with(CsvParser.Feature.SKIP_EMPTY_LINES)
                .readValues(reader);
        if (!it.hasNextValue()) throw new SandboxException(source + ": empty file (a header row is required)");
        String[] header = it.nextValue();
        // pandas names an empty header cell 'Unnamed: <position>' (the index column of the official CSVs)
        for (int i = 0; i < header.length; i++) if (header[i].isEmpty()) header[i] = "Unnamed: " + i;
        return new CsvRows(source, it, List.of(header));
    }

    /** The next row (cells as written), or null at the end of the file. */
    String[] next() {
        try {
            if (!rows.hasNextValue()) return null;
            line = rows.getCurrentLocation().getLineNr();   // where this row starts: just after the previous one
            return rows.nextValue();
        } catch (IOException | RuntimeException e) {
            throw new SandboxException(source + " line " + line + ": malformed CSV: " + e.getMessage(), e);
        }
    }

    /** The line of the row last returned (1 = the header). */
    long line() {
        return line;
    }

    /** Index of the named column, or a SandboxException naming the file and the column. */
    int column(String name) {
        int i = header.indexOf(name);
        if (i < 0) throw new SandboxException(source + ": missing column '" + name + "' (header: " + header + ")");
        return i;
    }

    /** pandas' NaN test for a cell ({@code keep_default_na=True}); a missing trailing cell is NaN too. */
    static boolean isNa(String[] row, int column) {
        return column >= row.length || row[column] == null || NA_VALUES.contains(row[column]);
    }

    /** True if any cell of the row is NaN: the row {@code DataFrame.dropna()} drops. */
    static boolean anyNa(String[] row, int width) {
        for (int c = 0; c < width; c++) if (isNa(row, c)) return true;
        return false;
    }

    @Override
    public void close() throws IOException {
        rows.close();
    }
}
