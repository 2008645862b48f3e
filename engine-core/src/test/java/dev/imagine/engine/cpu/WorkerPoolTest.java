package dev.imagine.engine.cpu;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class WorkerPoolTest {
    @Test
    void everyChunkRunsExactlyOnceOverManyCalls() {
        try (WorkerPool pool = new WorkerPool(3)) {
            for (int call = 0; call < 2000; call++) {
                int chunks = 1 + call % 37;
                AtomicIntegerArray runs = new AtomicIntegerArray(chunks);
                pool.forEach(chunks, runs::incrementAndGet);
                for (int c = 0; c < chunks; c++) assertEquals(1, runs.get(c), "call " + call + " chunk " + c);
                if (call % 500 == 0) sleepPastSpin(); // let the workers park, then wake them
            }
        }
    }

    @Test
    void aFailingChunkIsRethrownAndThePoolKeepsWorking() {
        try (WorkerPool pool = new WorkerPool(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.forEach(16, c -> {
                if (c == 9) throw new IllegalStateException("chunk 9");
            }));
            assertEquals("chunk 9", e.getMessage());
            AtomicIntegerArray runs = new AtomicIntegerArray(16);
            pool.forEach(16, runs::incrementAndGet);
            for (int c = 0; c < 16; c++) assertEquals(1, runs.get(c));
        }
    }

    @Test
    void concurrentAndNestedCallersEachGetAllTheirChunks() throws InterruptedException {
        try (WorkerPool pool = new WorkerPool(2)) {
            Thread[] callers = new Thread[3];
            AtomicIntegerArray totals = new AtomicIntegerArray(callers.length);
            for (int i = 0; i < callers.length; i++) {
                int id = i;
                callers[i] = Thread.ofPlatform().start(() -> {
                    for (int call = 0; call < 300; call++) {
                        pool.forEach(8, c -> pool.forEach(4, inner -> totals.incrementAndGet(id)));
                    }
                });
            }
            for (Thread t : callers) t.join();
            for (int i = 0; i < callers.length; i++) assertEquals(300 * 8 * 4, totals.get(i));
        }
    }

    private static void sleepPastSpin() {
        try {
            Thread.sleep(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
