package dev.imagine.sandbox;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A small database table (accommodations, restaurants, attractions) as the official tools hold it:
 * {@code pd.read_csv(path).dropna()[columns]}. Values are Long (INT columns), Double (FLOAT) or String
 * (TEXT); {@code rows[r][c]} follows {@code columns} order, which is also the key order of the reference
 * information.
 */
final class Table {
    final String source;
    final List<String> columns;
    final ColumnKind[] kinds;
    final Object[][] rows;

    private Table(String source, List<String> columns, ColumnKind[] kinds, Object[][] rows) {
        this.source = source;
        this.columns = columns;
        this.kinds = kinds;
        this.rows = rows;
    }

    /** Reads every row, infers kinds over all rows, drops rows with any NaN cell, keeps {@code select}. */
    static Table read(CsvRows in, List<String> select) throws IOException {
        int width = in.header.size();
        int[] index = new int[select.size()];
        for (int c = 0; c < index.length; c++) index[c] = in.column(select.get(c));
        ColumnKind.Inference[] inference = new ColumnKind.Inference[select.size()];
        for (int c = 0; c < inference.length; c++) inference[c] = new ColumnKind.Inference();
        List<String[]> kept = new ArrayList<>();
        for (String[] row; (row = in.next()) != null; ) {
            for (int c = 0; c < index.length; c++) inference[c].add(row, index[c]);
            if (!CsvRows.anyNa(row, width)) kept.add(row);
        }
        ColumnKind[] kinds = new ColumnKind[select.size()];
        for (int c = 0; c < kinds.length; c++) kinds[c] = inference[c].kind();
        Object[][] rows = new Object[kept.size()][];
        for (int r = 0; r < rows.length; r++) {
            String[] cells = kept.get(r);
            Object[] values = new Object[index.length];
            for (int c = 0; c < index.length; c++) {
                String cell = cells[index[c]];
                values[c] = switch (kinds[c]) {
                    case INT -> Long.parseLong(cell.startsWith("+") ? cell.substring(1) : cell);
                    case FLOAT -> parseDouble(cell);
                    case TEXT -> cell;
                };
            }
            rows[r] = values;
        }
        return new Table(in.source, List.copyOf(select), kinds, rows);
    }

    static double parseDouble(String cell) {
        String lower = cell.toLowerCase(java.util.Locale.ROOT);
        if (lower.endsWith("inf") || lower.endsWith("infinity"))
            return lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        return Double.parseDouble(cell);
    }

    int column(String name) {
        int c = columns.indexOf(name);
        if (c < 0) throw new IllegalArgumentException(source + ": no column " + name);
        return c;
    }

    /** A numeric cell as a double (INT and FLOAT columns), or a SandboxException naming the column. */
    double number(int row, int column) {
        if (rows[row][column] instanceof Number n) return n.doubleValue();
        throw new SandboxException(source + ": column '" + columns.get(column) + "' must be numeric, found '"
                + rows[row][column] + "'");
    }

    /** A cell as Python's {@code str()} would print it. */
    String text(int row, int column) {
        Object v = rows[row][column];
        return v instanceof Double d ? PyJson.floatRepr(d) : String.valueOf(v);
    }
}
