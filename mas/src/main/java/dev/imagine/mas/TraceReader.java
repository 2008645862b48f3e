package dev.imagine.mas;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Streams the record batches of a trace directory, part after part, holding one batch in memory at a
 * time: what training reads. Only finished parts are read (temp files of a crashed run are not).
 *
 * <p>Usage: {@code try (var r = TraceReader.open(dir)) { while (r.next()) use(r.batch()); }}
 */
public final class TraceReader implements AutoCloseable {
    private final BufferAllocator allocator = new RootAllocator();
    private final List<Path> parts;
    private int nextPart;
    private Path currentPath;
    private FileChannel channel;
    private ArrowFileReader reader;

    private TraceReader(List<Path> parts) {
        this.parts = parts;
    }

    /** Opens the trace directory (or a single {@code .arrow} file) for reading. */
    public static TraceReader open(Path path) {
        try {
            if (Files.isRegularFile(path)) return new TraceReader(List.of(path));
            if (!Files.isDirectory(path)) throw new NoSuchFileException(path.toString());
            return new TraceReader(TracePart.list(path));
        } catch (IOException e) {
            throw new MasException("cannot list traces in " + path + ": " + e, e);
        }
    }

    public List<Path> parts() {
        return parts;
    }

    /** Loads the next record batch; false at the end of the last part. */
    public boolean next() {
        try {
            while (true) {
                if (reader != null && reader.loadNextBatch()) return true;
                closeCurrent();
                if (nextPart >= parts.size()) return false;
                currentPath = parts.get(nextPart++);
                channel = FileChannel.open(currentPath, StandardOpenOption.READ);
                reader = new ArrowFileReader(channel, allocator);
                if (!TraceSchema.SCHEMA.equals(reader.getVectorSchemaRoot().getSchema()))
                    throw new MasException(currentPath + " is not a trace file of this version: its schema differs");
            }
        } catch (MasException e) {
            throw e;
        } catch (Exception e) {  // Arrow reports a damaged file as IOException or InvalidArrowFileException
            throw new MasException("damaged trace file " + currentPath + ": " + e.getMessage(), e);
        }
    }

    /** The batch {@link #next()} loaded; valid until the next call. */
    public VectorSchemaRoot batch() {
        try {
            return reader.getVectorSchemaRoot();
        } catch (IOException e) {
            throw new MasException("cannot read " + currentPath + ": " + e.getMessage(), e);
        }
    }

    /** The file the current batch comes from. */
    public Path currentPart() {
        return currentPath;
    }

    /** Calls {@code action} for every row of every part, in order. */
    public void forEachRow(Consumer<TraceRow> action) {
        while (next()) {
            VectorSchemaRoot root = batch();
            for (int i = 0; i < root.getRowCount(); i++) action.accept(TraceRow.fromColumns(TraceSchema.row(root, i)));
        }
    }

    /** Every row of a trace directory (small directories, tests, tools). */
    public static List<TraceRow> readAll(Path path) {
        List<TraceRow> rows = new ArrayList<>();
        try (TraceReader r = open(path)) {
            r.forEachRow(rows::add);
        }
        return rows;
    }

    private void closeCurrent() throws IOException {
        if (reader != null) reader.close();   // also closes the channel
        else if (channel != null) channel.close();
        reader = null;
        channel = null;
    }

    @Override
    public void close() {
        try {
            closeCurrent();
        } catch (IOException e) {
            throw new MasException("cannot close " + currentPath + ": " + e.getMessage(), e);
        } finally {
            allocator.close();
        }
    }
}
