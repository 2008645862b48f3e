package dev.imagine.mas;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on a terminal stream (stderr): redrawn in place at most every 200 ms and at
 * the end, with counts, failures, rate and time left.
 *
 * <p>Usage: {@code var bar = new ProgressBar(System.err, "mas"); ... bar.update(done, failed, total); bar.finish();}
 */
public final class ProgressBar {
    private final PrintStream out;
    private final String label;
    private final long start = System.nanoTime();
    private long lastDraw;
    private String lastLine = "";

    public ProgressBar(PrintStream out, String label) {
        this.out = out;
        this.label = label;
    }

    public synchronized void update(int finished, int failed, int total) {
        long now = System.nanoTime();
        if (finished < total && now - lastDraw < 200_000_000L) return;
        lastDraw = now;
        double seconds = (now - start) / 1e9;
        int width = 30;
        int filled = total == 0 ? width : (int) ((long) width * finished / total);
        double rate = seconds > 0 ? finished / seconds : 0;
        String eta = rate > 0 ? String.format(Locale.ROOT, "%.0fs left", (total - finished) / rate) : "";
        lastLine = String.format(Locale.ROOT, "\r%s [%s%s] %d/%d  %d failed  %.2f q/s  %s", label,
                "#".repeat(filled), ".".repeat(width - filled), finished, total, failed, rate, eta);
        out.print(lastLine);
        out.flush();
    }

    /** Ends the line so later output starts on a fresh one. */
    public synchronized void finish() {
        if (!lastLine.isEmpty()) out.println();
        out.flush();
    }
}
