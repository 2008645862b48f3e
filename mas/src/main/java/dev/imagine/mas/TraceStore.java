package dev.imagine.mas;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The crash-safe, resumable writer of a trace directory.
 *
 * <p>Every {@link #append} returns only once its row is durable: rows are group-committed, i.e. whichever
 * caller finds no write in progress writes every row queued so far as one complete Arrow IPC file (temp
 * name, fsync, atomic rename, fsync of the directory), while the others wait. So a kill -9 loses only
 * rows whose append had not returned (in flight) and never touches a finished part. Under load the groups
 * grow by themselves; with one worker each row is its own part.
 *
 * <p>Opening a directory resumes it: temp files of a crashed run are deleted, a part that cannot be read
 * (copied half, disk full) is renamed to {@code .damaged} and its queries are redone, and the query ids of
 * the readable parts are the finished ones. A lock file keeps two runs from writing one directory.
 *
 * <p>Usage: {@code try (var s = TraceStore.open(dir)) { if (!s.isFinished(id)) s.append(row); }}
 */
public final class TraceStore implements AutoCloseable {
    private final Path dir;
    private final BufferAllocator allocator = new RootAllocator();
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Set<String> finished = new HashSet<>();
    private final List<String> notices = new ArrayList<>();
    private final int rowsAtOpen;

    private final ReentrantLock mutex = new ReentrantLock();
    private final Condition written = mutex.newCondition();
    private final List<TraceRow> queued = new ArrayList<>();
    private long appended;      // rows handed to append so far
    private long durable;       // rows in renamed parts so far (a prefix of the appended ones)
    private boolean writing;
    private MasException failure;
    private long nextIndex;
    private int partsWritten;

    private TraceStore(Path dir, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.rowsAtOpen = recover();
    }

    /** Opens (creating if needed) a trace directory for appending; resumes what an earlier run wrote. */
    public static TraceStore open(Path dir) {
        FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) throw new MasException("another run is writing traces to " + dir + " (" + dir.resolve(".lock") + " is locked)");
            return new TraceStore(dir, channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new MasException("cannot open the trace directory " + dir + ": " + e, e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private int recover() {
        int rows = 0;
        try {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    if (TracePart.isTemp(p)) {
                        Files.delete(p);
                        notices.add("deleted " + p.getFileName() + " (unfinished write of an earlier run)");
                    }
                }
            }
            finishReplacements();
            for (Path part : TracePart.list(dir)) {
                nextIndex = Math.max(nextIndex, TracePart.index(part) + 1);
                List<String> ids;
                try {
                    ids = queryIds(part);
                } catch (Exception e) {
                    Path damaged = part.resolveSibling(part.getFileName() + ".damaged");
                    Files.move(part, damaged, StandardCopyOption.REPLACE_EXISTING);
                    notices.add("renamed unreadable " + part.getFileName() + " to " + damaged.getFileName()
                            + " (" + e.getMessage() + "); its queries will be redone");
                    continue;
                }
                for (String id : ids) {
                    if (!finished.add(id)) throw new MasException("query id " + id + " appears twice in " + dir + " (second time in " + part.getFileName() + ")");
                }
                rows += ids.size();
            }
        } catch (IOException e) {
            throw new MasException("cannot read the trace directory " + dir + ": " + e, e);
        }
        return rows;
    }

    /**
     * A crash inside {@link #dropFailed()} leaves {@code .part-N.arrow.replacing}: if a part declaring that
     * it supersedes it exists the replacement finished and the old rows go; otherwise they come back.
     */
    private void finishReplacements() throws IOException {
        List<Path> pending;
        try (var files = Files.list(dir)) {
            pending = files.filter(p -> TracePart.replacedName(p) != null).toList();
        }
        if (pending.isEmpty()) return;
        Set<String> superseded = new HashSet<>();
        for (Path part : TracePart.list(dir)) {
            try (FileChannel ch = FileChannel.open(part, StandardOpenOption.READ);
                 ArrowFileReader reader = new ArrowFileReader(ch, allocator)) {
                reader.getVectorSchemaRoot();   // reads the footer, which holds the metadata
                String s = reader.getMetaData().get(TracePart.SUPERSEDES);
                if (s != null) superseded.add(s);
            } catch (Exception unreadable) {
                // dealt with (renamed .damaged) when its ids are read
            }
        }
        for (Path p : pending) {
            String name = TracePart.replacedName(p);
            if (superseded.contains(name)) {
                Files.delete(p);
                notices.add("deleted " + p.getFileName() + " (its replacement without failed rows was complete)");
            } else {
                Files.move(p, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
                notices.add("restored " + name + " (an earlier --retry-failed was interrupted before replacing it)");
            }
        }
        syncDirectory();
    }

    /**
     * Forgets the queries that ended with an error so that this run does them again: each part holding
     * failed rows is replaced by one holding only its done rows. Crash-safe: the old part is first renamed to
     * a hidden {@code .replacing} name, the replacement records which part it supersedes, and opening the
     * directory finishes or undoes an interrupted replacement. Call before any append; returns the number
     * of failed queries forgotten.
     */
    public int dropFailed() {
        mutex.lock();
        try {
            if (appended > 0) throw new IllegalStateException("dropFailed() must come before any append");
            int dropped = 0;
            for (Path part : TracePart.list(dir)) {
                List<TraceRow> rows = new ArrayList<>();
                try (TraceReader r = TraceReader.open(part)) {
                    r.forEachRow(rows::add);
                }
                List<TraceRow> kept = rows.stream().filter(TraceRow::done).toList();
                if (kept.size() == rows.size()) continue;
                String name = part.getFileName().toString();
                Path aside = TracePart.replacing(dir, name);
                Files.move(part, aside, StandardCopyOption.ATOMIC_MOVE);
                syncDirectory();
                if (!kept.isEmpty()) writePart(nextIndex++, kept, Map.of(TracePart.SUPERSEDES, name));
                Files.delete(aside);
                syncDirectory();
                for (TraceRow row : rows) {
                    if (!row.done()) {
                        finished.remove(row.queryId());
                        dropped++;
                    }
                }
            }
            return dropped;
        } catch (IOException e) {
            throw new MasException("cannot drop failed rows in " + dir + ": " + e, e);
        } finally {
            mutex.unlock();
        }
    }

    private List<String> queryIds(Path part) throws IOException {
        List<String> ids = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(part, StandardOpenOption.READ);
             ArrowFileReader reader = new ArrowFileReader(ch, allocator)) {
            if (!TraceSchema.SCHEMA.equals(reader.getVectorSchemaRoot().getSchema()))
                throw new IOException("schema differs from this version's trace schema");
            while (reader.loadNextBatch()) {
                VarCharVector v = (VarCharVector) reader.getVectorSchemaRoot().getVector("query_id");
                for (int i = 0; i < v.getValueCount(); i++) ids.add(new String(v.get(i), StandardCharsets.UTF_8));
            }
        }
        return ids;
    }

    /** What opening did to leftovers of a crashed run (deleted temp files, damaged parts). */
    public List<String> notices() {
        return Collections.unmodifiableList(notices);
    }

    /** Rows found in the directory when it was opened. */
    public int rowsAtOpen() {
        return rowsAtOpen;
    }

    public boolean isFinished(String queryId) {
        mutex.lock();
        try {
            return finished.contains(queryId);
        } finally {
            mutex.unlock();
        }
    }

    public int partsWritten() {
        mutex.lock();
        try {
            return partsWritten;
        } finally {
            mutex.unlock();
        }
    }

    /**
     * Adds a row and returns once it is on disk in a finished part. A query id is accepted once per
     * directory: a second append of it throws {@link IllegalStateException} (a bug in the caller).
     */
    public void append(TraceRow row) throws InterruptedException {
        mutex.lock();
        try {
            if (failure != null) throw failure;
            if (!finished.add(row.queryId())) throw new IllegalStateException("query " + row.queryId() + " was already written to " + dir);
            queued.add(row);
            long ticket = ++appended;
            while (durable < ticket) {
                if (failure != null) throw failure;
                if (writing) {
                    written.await();
                    continue;
                }
                List<TraceRow> group = new ArrayList<>(queued);
                queued.clear();
                long upTo = appended;
                long index = nextIndex++;
                writing = true;
                mutex.unlock();
                MasException error = null;
                try {
                    writePart(index, group);
                } catch (IOException | RuntimeException e) {
                    error = new MasException("cannot write traces to " + dir.resolve(TracePart.name(index)) + ": " + e, e);
                } finally {
                    mutex.lock();
                    writing = false;
                    if (error == null) {
                        durable = upTo;
                        partsWritten++;
                    } else {
                        failure = error;
                    }
                    written.signalAll();
                }
            }
        } finally {
            mutex.unlock();
        }
    }

    /** Test hook: writes {@code rows} as one part (the group commit of concurrent appends, made deterministic). */
    void appendAsOnePart(List<TraceRow> rows) throws IOException {
        mutex.lock();
        try {
            for (TraceRow r : rows) if (!finished.add(r.queryId())) throw new IllegalStateException("query " + r.queryId() + " was already written");
            writePart(nextIndex++, rows);
        } finally {
            mutex.unlock();
        }
    }

    private void writePart(long index, List<TraceRow> rows) throws IOException {
        writePart(index, rows, Map.of());
    }

    private void writePart(long index, List<TraceRow> rows, Map<String, String> metadata) throws IOException {
        Path temp = TracePart.temp(dir, index);
        try {
            writeFile(temp, rows, metadata);
        } catch (IOException | RuntimeException e) {
            // an interrupted or failed write: no half file left behind (the next open would delete it anyway)
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // the next open deletes it
            }
            throw e;
        }
        Files.move(temp, dir.resolve(TracePart.name(index)), StandardCopyOption.ATOMIC_MOVE);
        syncDirectory();
    }

    /** Makes renames in the directory durable. */
    private void syncDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException unsupported) {
            // some file systems cannot fsync a directory; renames are still atomic
        }
    }

    private void writeFile(Path temp, List<TraceRow> rows, Map<String, String> metadata) throws IOException {
        try (VectorSchemaRoot root = VectorSchemaRoot.create(TraceSchema.SCHEMA, allocator);
             FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             ArrowFileWriter writer = new ArrowFileWriter(root, null, ch, metadata)) {
            TraceSchema.fill(root, rows);
            writer.start();
            writer.writeBatch();
            writer.end();
            ch.force(true);
        }
    }

    /** Writes rows whose appending thread was interrupted while waiting, then releases the directory. */
    @Override
    public void close() {
        mutex.lock();
        try {
            if (!queued.isEmpty() && !writing && failure == null) {
                writePart(nextIndex++, new ArrayList<>(queued));
                queued.clear();
            }
        } catch (IOException | RuntimeException e) {
            failure = new MasException("cannot write traces to " + dir + ": " + e, e);
        } finally {
            mutex.unlock();
        }
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it anyway
        }
        closeQuietly(lockChannel);
        allocator.close();
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) return;
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
