package dev.imagine.engine.load;

import dev.imagine.engine.EngineException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A whole file memory-mapped read-only into one {@link MemorySegment}. Slices are bounds-checked against
 * the file size so that a corrupt header gives an {@link EngineException}, never a JVM crash.
 *
 * <p>The mapping is handed out as a plain read-only native segment (same address, same lifetime) rather than
 * the {@code MappedMemorySegmentImpl} that {@code FileChannel.map} returns. The kernels then see one segment
 * class for weights, activations and scratch alike; with two classes the JIT's type profile at every vector
 * load is split, and code compiled while one class was seen is thrown away when the other appears (decode
 * measured 12-14 tokens/s with one class, 7-8 after a warm-up on the other). Writes still fail with an
 * exception, not a crash: the view is read-only.
 *
 * <p>Usage: {@code try (MappedFile f = MappedFile.open(path)) { MemorySegment s = f.slice(off, n, "tensor x"); }}
 */
public final class MappedFile implements AutoCloseable {
    private final Path path;
    private final Arena arena;
    private final MemorySegment segment;
    /** The mapping as {@code FileChannel.map} returned it: only it can release pages ({@link #release}). */
    private final MemorySegment mapped;

    private MappedFile(Path path, Arena arena, MemorySegment segment, MemorySegment mapped) {
        this.path = path;
        this.arena = arena;
        this.segment = segment;
        this.mapped = mapped;
    }

    public static MappedFile open(Path path) {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            MemorySegment segment = MemorySegment.ofAddress(mapped.address()).reinterpret(mapped.byteSize(), arena, null).asReadOnly();
            return new MappedFile(path, arena, segment, mapped);
        } catch (NoSuchFileException e) {
            arena.close();
            throw new EngineException(path + ": no such file");
        } catch (IOException e) {
            arena.close();
            throw new EngineException(path + ": cannot map the file: " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    public long size() {
        return segment.byteSize();
    }

    /** The whole file. */
    public MemorySegment segment() {
        return segment;
    }

    /** Bytes [offset, offset+length) of the file; {@code what} names the thing being read for the error. */
    public MemorySegment slice(long offset, long length, String what) {
        if (offset < 0 || length < 0 || offset > size() || length > size() - offset) {
            throw new EngineException(path + ": " + what + " lies at bytes [" + offset + ", " + (offset + length)
                    + ") but the file has only " + size() + " bytes (truncated or corrupt file)");
        }
        return segment.asSlice(offset, length);
    }

    /**
     * Drops this process's pages of {@code part} (a slice of {@link #segment}; anything else is ignored), as for data
     * copied elsewhere: they stay in the page cache, and a later read maps them again. Pages shared with a
     * neighbouring slice are dropped too, which costs that slice only a page fault.
     */
    public void release(MemorySegment part) {
        long from = part.address() - segment.address();
        if (from < 0 || from > size() - part.byteSize()) return;
        mapped.asSlice(from, part.byteSize()).unload();
    }

    @Override
    public void close() {
        arena.close();
    }
}
