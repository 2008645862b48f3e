package dev.imagine.mas;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Retrying failed queries: failed rows leave the store, done ones stay exactly once, crashes included. */
class DropFailedTest {
    @TempDir
    Path dir;

    static TraceRow failed(int i) {
        return TraceRow.failed("q" + i, "query " + i, "{}", "{}", "reasoner: teacher down");
    }

    /** Part 0 = {q0 done, q1 failed}, part 1 = {q2 failed}, part 2 = {q3 done}. */
    private void writeMixed() throws Exception {
        try (TraceStore store = TraceStore.open(dir)) {
            store.appendAsOnePart(List.of(TraceRows.sample(0), failed(1)));
            store.appendAsOnePart(List.of(failed(2)));
            store.appendAsOnePart(List.of(TraceRows.sample(3)));
        }
    }

    private List<String> ids() {
        return TraceReader.readAll(dir).stream().map(TraceRow::queryId).sorted().toList();
    }

    @Test
    void failedQueriesAreForgottenAndRedone() throws Exception {
        writeMixed();
        try (TraceStore store = TraceStore.open(dir)) {
            assertTrue(store.isFinished("q1"));
            assertEquals(2, store.dropFailed());
            assertFalse(store.isFinished("q1"));
            assertFalse(store.isFinished("q2"));
            assertTrue(store.isFinished("q0") && store.isFinished("q3"));
            assertEquals(List.of("q0", "q3"), ids());
            store.append(TraceRows.sample(1));
            store.append(TraceRows.sample(2));
        }
        assertEquals(List.of("q0", "q1", "q2", "q3"), ids());
        assertTrue(TraceReader.readAll(dir).stream().allMatch(TraceRow::done));
        try (TraceStore store = TraceStore.open(dir)) {
            assertEquals(0, store.dropFailed(), "nothing left to drop");
        }
    }

    @Test
    void aCrashBeforeTheReplacementIsWrittenRestoresThePart() throws Exception {
        writeMixed();
        Path part0 = TracePart.list(dir).getFirst();
        Files.move(part0, TracePart.replacing(dir, part0.getFileName().toString()));   // crash right after step 1
        assertEquals(List.of("q2", "q3"), ids(), "readers never see a part that is being replaced");
        try (TraceStore store = TraceStore.open(dir)) {
            assertTrue(store.notices().getFirst().startsWith("restored part-000000.arrow"), store.notices().toString());
            assertTrue(store.isFinished("q0") && store.isFinished("q1"));
        }
        assertEquals(List.of("q0", "q1", "q2", "q3"), ids());
    }

    @Test
    void aCrashAfterTheReplacementIsWrittenFinishesIt() throws Exception {
        writeMixed();
        Path part0 = TracePart.list(dir).getFirst();
        byte[] original = Files.readAllBytes(part0);
        try (TraceStore store = TraceStore.open(dir)) {
            store.dropFailed();
        }
        // as if the process died after writing the replacement, before deleting the old part
        Files.write(TracePart.replacing(dir, part0.getFileName().toString()), original);
        assertEquals(List.of("q0", "q3"), ids(), "no duplicate while the old part waits");
        try (TraceStore store = TraceStore.open(dir)) {
            assertTrue(store.notices().getFirst().startsWith("deleted .part-000000.arrow.replacing"), store.notices().toString());
            assertFalse(store.isFinished("q1"));
        }
        assertEquals(List.of("q0", "q3"), ids());
    }
}
