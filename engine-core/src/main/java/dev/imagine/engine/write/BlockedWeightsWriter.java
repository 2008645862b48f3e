package dev.imagine.engine.write;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagine.engine.EngineException;
import dev.imagine.engine.cpu.BlockedBf16;
import dev.imagine.engine.cpu.BlockedQ8;
import dev.imagine.engine.load.BlockedWeightsFile;
import dev.imagine.engine.load.Qwen3Weights;
import dev.imagine.engine.tensor.DType;
import dev.imagine.engine.tensor.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes a checkpoint's {@link BlockedWeightsFile}: every multiplied matrix that fits a blocked layout (BF16 into
 * {@link BlockedBf16}'s, Q8_0 into {@link BlockedQ8}'s), each laid out straight into its page-aligned region of the
 * mapped output file, one matrix at a time. So the memory it needs beside the checkpoint's mapping is the page cache
 * the kernel writes back, not a copy of the model (the 8B shape in BF16, 16 GB, is written on a 24 GB machine). The
 * file is written as {@code OUT.partial} and renamed once complete and forced to disk, so an interrupted run leaves no
 * file that a load would take for a finished one. {@code OUT.partial.done} counts the matrices already forced to
 * disk, so the next run over the same checkpoint resumes after them (with another header, it starts over).
 *
 * <p>Usage: {@code Path f = BlockedWeightsWriter.write(Path.of("model-dir"), Qwen3Weights.blockedPath(dir), System.err);}
 */
public final class BlockedWeightsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PAGE = Qwen3Weights.PAGE;

    private BlockedWeightsWriter() {
    }

    /** What one matrix becomes: its blocked dtype, where its bytes go in the data section, and the filler before it. */
    private record Planned(Tensor matrix, DType blocked, long offset, long bytes, long padBefore) {
    }

    /**
     * Blocks the model at path into out (replaced if there) and returns out; progress lines go to progress. Throws
     * {@link EngineException} when the model has no matrix a blocked layout takes (F32 or F16 weights).
     */
    public static Path write(Path model, Path out, PrintStream progress) throws IOException {
        if (Files.isDirectory(out)) throw new EngineException(out + ": is a folder; --out names the blocked file to write");
        try (Qwen3Weights w = Qwen3Weights.openMapped(model)) {
            refuseToOverwriteTheCheckpoint(w, out);
            List<Planned> plan = new ArrayList<>();
            ObjectNode header = JSON.createObjectNode();
            ObjectNode meta = header.putObject("__metadata__");
            meta.put("format", BlockedWeightsFile.FORMAT).put("version", String.valueOf(BlockedWeightsFile.VERSION))
                    .put("source", BlockedWeightsFile.fingerprint(w.source()));
            long offset = 0;
            int pads = 0;
            for (Tensor t : w.multipliedMatrices()) {
                DType blocked = BlockedBf16.fits(t) ? DType.BF16_BLOCKED : BlockedQ8.fits(t) ? DType.Q8_0_BLOCKED : null;
                if (blocked == null) continue;
                long pad = offset % PAGE == 0 ? 0 : PAGE - offset % PAGE;
                if (pad > 0) { // a filler keeps the next matrix on a page and the data free of holes
                    entry(header, BlockedWeightsFile.PAD_PREFIX + pads++, offset, pad);
                    offset += pad;
                }
                long bytes = blocked.bytes(t.elements());
                entry(header, t.name(), offset, bytes);
                meta.put(BlockedWeightsFile.LAYOUT_KEY + t.name(), blocked.name() + " " + t.dim(0) + "x" + t.dim(1));
                plan.add(new Planned(t, blocked, offset, bytes, pad));
                offset += bytes;
            }
            if (plan.isEmpty()) {
                throw new EngineException(model + ": no BF16 or Q8_0 matrix of whole blocks of 32 rows to block (F32 and F16 matrices stay row-major)");
            }
            byte[] json = JSON.writeValueAsBytes(header);
            int padded = (8 + json.length + PAGE - 1) / PAGE * PAGE - 8; // the data starts on a page
            long dataStart = 8 + padded, total = offset;
            Path partial = out.resolveSibling(out.getFileName() + ".partial");
            Path progressFile = out.resolveSibling(out.getFileName() + ".partial.done");
            ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(padded).put(json);
            while (head.hasRemaining()) head.put((byte) ' ');
            head.flip();
            int resumed = matricesDone(partial, progressFile, head, plan.size());
            long start = System.nanoTime();
            var options = resumed > 0 ? java.util.EnumSet.of(StandardOpenOption.READ, StandardOpenOption.WRITE)
                    : java.util.EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.READ, StandardOpenOption.WRITE);
            try (FileChannel ch = FileChannel.open(partial, options)) {
                if (resumed == 0) {
                    Files.deleteIfExists(progressFile);
                    while (head.hasRemaining()) ch.write(head, head.position());
                } else if (progress != null) {
                    progress.printf(Locale.ROOT, "%s: resuming %s: %d of %d matrices already written%n", out.getFileName(), partial.getFileName(), resumed, plan.size());
                }
                long done = 0, nextReport = 0;
                for (int i = 0; i < resumed; i++) done += plan.get(i).bytes();
                for (int i = resumed; i < plan.size(); i++) {
                    Planned p = plan.get(i);
                    try (Arena arena = Arena.ofShared()) { // shared: the blocking runs on the fork-join pool
                        MemorySegment region = ch.map(FileChannel.MapMode.READ_WRITE, dataStart + p.offset() - p.padBefore(), p.padBefore() + p.bytes(), arena);
                        region.asSlice(0, p.padBefore()).fill((byte) 0); // zeros, also over what an interrupted run left
                        MemorySegment blocks = region.asSlice(p.padBefore());
                        if (p.blocked() == DType.BF16_BLOCKED) BlockedBf16.blockInto(p.matrix(), blocks);
                        else BlockedQ8.blockInto(p.matrix(), blocks);
                        region.force();
                    }
                    Files.writeString(progressFile, String.valueOf(i + 1)); // after the force: those bytes are on disk
                    w.source().release(p.matrix()); // its pages were read once; keep them in the page cache, not here
                    done += p.bytes();
                    if (progress != null && (done >= nextReport || i == plan.size() - 1)) {
                        progress.printf(Locale.ROOT, "%s: blocked %d of %d matrices (%.2f of %.2f GB) in %.1f s%n", out.getFileName(), i + 1,
                                plan.size(), done / 1e9, total / 1e9, (System.nanoTime() - start) / 1e9);
                        nextReport = done + total / 10;
                    }
                }
                ch.force(true);
            }
            Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.deleteIfExists(progressFile);
            return out;
        }
    }

    /** The rename at the end would replace out: never one of the checkpoint's own files. */
    private static void refuseToOverwriteTheCheckpoint(Qwen3Weights w, Path out) throws IOException {
        if (!Files.exists(out)) return;
        for (String name : w.source().names()) {
            Path p = w.source().fileOf(name);
            if (Files.isSameFile(p, out)) throw new EngineException(out + ": is the checkpoint's own file (it holds " + name + "); write the blocked file elsewhere");
        }
    }

    /**
     * How many of the planned matrices an interrupted run already wrote into partial: the count in progressFile,
     * if partial starts with exactly this header (same checkpoint files, same plan); else 0, and the write starts over.
     */
    private static int matricesDone(Path partial, Path progressFile, ByteBuffer head, int planned) throws IOException {
        if (!Files.exists(partial) || !Files.exists(progressFile)) return 0;
        int done;
        try {
            done = Integer.parseInt(Files.readString(progressFile).strip());
        } catch (NumberFormatException e) {
            return 0;
        }
        if (done <= 0 || done > planned) return 0;
        try (FileChannel ch = FileChannel.open(partial, StandardOpenOption.READ)) {
            ByteBuffer existing = ByteBuffer.allocate(head.remaining());
            while (existing.hasRemaining()) if (ch.read(existing, existing.position()) < 0) break; // shorter: no match
            existing.flip();
            return existing.equals(head.duplicate()) ? done : 0;
        }
    }

    private static void entry(ObjectNode header, String name, long offset, long bytes) {
        ObjectNode t = header.putObject(name);
        t.put("dtype", "U8");
        t.putArray("shape").add(bytes);
        t.putArray("data_offsets").add(offset).add(offset + bytes);
    }
}
