package dev.imagine.mas;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A separate process for the kill -9 test: appends sample rows {@code from..to-1} to a trace directory
 * from 4 threads, slowly, skipping rows the directory already holds (as a resumed run does).
 * Usage: {@code java dev.imagine.mas.TraceWriterMain DIR FROM TO DELAY_MS}
 */
public final class TraceWriterMain {
    private TraceWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int from = Integer.parseInt(args[1]);
        int to = Integer.parseInt(args[2]);
        long delay = Long.parseLong(args[3]);
        try (TraceStore store = TraceStore.open(dir)) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int first = from + t;
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = first; i < to; i += 4) {
                        if (store.isFinished("q" + i)) continue;
                        try {
                            Thread.sleep(delay);
                            store.append(TraceRows.sample(i));
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }));
            }
            for (Thread t : threads) t.join();
        }
    }
}
