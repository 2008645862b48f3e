package dev.imagine.sandbox;

import java.util.regex.Pattern;

/**
 * The dtype {@code pandas.read_csv} infers for a column, which decides how a value prints in the reference
 * information ({@code 9} vs {@code 9.0} vs {@code "9"}): INT if every cell is an integer and none is NaN,
 * FLOAT if every non-NaN cell is a number (an integer column with a NaN becomes float64), else TEXT.
 */
enum ColumnKind {
    INT, FLOAT, TEXT;

    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern DECIMAL = Pattern.compile(
            "[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?(inf|Inf|INF|infinity|Infinity)");

    static boolean isInteger(String cell) {
        return INTEGER.matcher(cell).matches() && cell.length() < 19;
    }

    static boolean isDecimal(String cell) {
        return DECIMAL.matcher(cell).matches();
    }

    /** Accumulates one column's kind over all of its cells (before dropna, as pandas does). */
    static final class Inference {
        private boolean allInt = true, allNumber = true, anyNa = false;

        void add(String[] row, int column) {
            if (CsvRows.isNa(row, column)) {
                anyNa = true;
                return;
            }
            String cell = row[column];
            if (allInt && !isInteger(cell)) allInt = false;
            if (!allInt && allNumber && !isDecimal(cell)) allNumber = false;
        }

        ColumnKind kind() {
            if (!allNumber) return TEXT;
            return allInt && !anyNa ? INT : FLOAT;
        }
    }
}
