package dev.imagine.mas;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class TraceStoreTest {
    @TempDir
    Path dir;

    @Test
    void rowsWrittenAreReadBackExactly() throws Exception {
        List<TraceRow> rows = new ArrayList<>();
        for (int i = 0; i < 5; i++) rows.add(TraceRows.sample(i));
        rows.add(TraceRow.failed("q-err", "bad query", "{}", null, "teacher down"));
        try (TraceStore store = TraceStore.open(dir)) {
            for (TraceRow r : rows) store.append(r);
            assertEquals(rows.size(), store.partsWritten(), "one worker: each row its own part");
        }
        assertEquals(rows, TraceReader.readAll(dir));
        assertEquals(TraceSchema.SCHEMA.getFields().size(), rows.getFirst().toColumns().size());
        assertEquals(TraceSchema.SCHEMA.getFields().stream().map(f -> f.getName()).toList(),
                List.copyOf(rows.getFirst().toColumns().keySet()));
    }

    @Test
    void concurrentAppendsGroupCommitAndLoseNothing() throws Exception {
        int n = 200;
        try (TraceStore store = TraceStore.open(dir); ExecutorService pool = Executors.newFixedThreadPool(16)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                futures.add(pool.submit(() -> {
                    store.append(TraceRows.sample(k));
                    return null;
                }));
            }
            for (Future<?> f : futures) f.get();
            assertTrue(store.partsWritten() <= n);
        }
        List<TraceRow> back = new ArrayList<>(TraceReader.readAll(dir));
        back.sort(Comparator.comparingInt(r -> Integer.parseInt(r.queryId().substring(1))));
        for (int i = 0; i < n; i++) assertEquals(TraceRows.sample(i), back.get(i));
    }

    @Test
    void reopeningResumesAndRefusesDuplicates() throws Exception {
        try (TraceStore store = TraceStore.open(dir)) {
            store.append(TraceRows.sample(1));
            assertThrows(IllegalStateException.class, () -> store.append(TraceRows.sample(1)));
        }
        try (TraceStore store = TraceStore.open(dir)) {
            assertEquals(1, store.rowsAtOpen());
            assertTrue(store.isFinished("q1"));
            assertFalse(store.isFinished("q2"));
            store.append(TraceRows.sample(2));
        }
        assertEquals(List.of(TraceRows.sample(1), TraceRows.sample(2)), TraceReader.readAll(dir));
    }

    @Test
    void leftoversOfACrashAreCleanedAndDamagedPartsRedone() throws Exception {
        try (TraceStore store = TraceStore.open(dir)) {
            for (int i = 0; i < 3; i++) store.append(TraceRows.sample(i));
        }
        List<Path> parts = TracePart.list(dir);
        // a crash in the middle of a write leaves a temp file: half of a real part
        byte[] whole = Files.readAllBytes(parts.get(2));
        Files.write(TracePart.temp(dir, 3), java.util.Arrays.copyOf(whole, whole.length / 2));
        // and a part damaged after the fact (truncated copy): its row must be redone, not trusted
        Files.write(parts.get(1), java.util.Arrays.copyOf(whole, whole.length - 10));
        try (TraceStore store = TraceStore.open(dir)) {
            assertEquals(2, store.notices().size(), store.notices().toString());
            assertFalse(Files.exists(TracePart.temp(dir, 3)));
            assertTrue(Files.exists(dir.resolve(parts.get(1).getFileName() + ".damaged")));
            assertTrue(store.isFinished("q0"));
            assertFalse(store.isFinished("q1"));
            assertTrue(store.isFinished("q2"));
            store.append(TraceRows.sample(1));
        }
        List<String> ids = TraceReader.readAll(dir).stream().map(TraceRow::queryId).sorted().toList();
        assertEquals(List.of("q0", "q1", "q2"), ids);
    }

    @Test
    void aSecondWriterIsRefused() {
        try (TraceStore first = TraceStore.open(dir)) {
            assertEquals(0, first.rowsAtOpen());
            MasException e = assertThrows(MasException.class, () -> TraceStore.open(dir));
            assertTrue(e.getMessage().contains("another run"), e.getMessage());
        }
    }

    @Test
    void readerNamesADamagedFile() throws Exception {
        Files.write(dir.resolve("part-000000.arrow"), new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14});
        MasException e = assertThrows(MasException.class, () -> TraceReader.readAll(dir));
        assertTrue(e.getMessage().contains("part-000000.arrow"), e.getMessage());
    }
}
