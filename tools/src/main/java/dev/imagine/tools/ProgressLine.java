package dev.imagine.tools;

import java.io.PrintStream;

/**
 * A one-line progress bar on stderr ({@code \r}-redrawn, at most ~10 times a second), e.g.
 * {@code plan [##########          ]  512/1000  51%  12.3/s}. Call {@link #done()} to end the line.
 */
final class ProgressLine {
    private final PrintStream err;
    private final String label;
    private final int total;
    private final long start = System.nanoTime();
    private long lastDraw;

    ProgressLine(PrintStream err, String label, int total) {
        this.err = err;
        this.label = label;
        this.total = total;
    }

    void update(int done) {
        long now = System.nanoTime();
        if (done < total && now - lastDraw < 100_000_000L) return;
        lastDraw = now;
        int width = 30;
        int filled = total == 0 ? width : (int) ((long) done * width / total);
        double seconds = Math.max((now - start) / 1e9, 1e-9);
        err.printf("\r%s [%s%s] %d/%d %3d%% %.1f/s", label, "#".repeat(filled), " ".repeat(width - filled), done, total,
                total == 0 ? 100 : done * 100 / total, done / seconds);
        err.flush();
    }

    void done() {
        update(total);
        err.println();
    }
}
