package dev.imagine.engine.write;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagine.engine.tensor.DType;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Writes a .safetensors file (F32, BF16 or F16), streaming rows: u64 header length, the JSON header padded with
 * spaces (the format allows it) so that the data starts at a multiple of {@link #DATA_ALIGNMENT} bytes (a page),
 * then each tensor's bytes: first, in the given order, those whose length is a multiple of a page (every matrix of
 * a Qwen3 shape), then those of whole cache lines, then the others. Each matrix then starts on a page of the mapped
 * file: no vector load of a row splits across two cache lines (with the header padded to 8 only, every load of the
 * 0.6B model's weights split), and the batched decode tile's page-apart row streams stay one per page (see
 * {@link dev.imagine.engine.load.Qwen3Weights}, which copies matrices that are not page-aligned).
 *
 * <p>Usage: {@code SafetensorsWriter.write(dir.resolve("model.safetensors"), specs, DType.BF16, System.err);}
 */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Where the data section starts: a multiple of a 4 KiB page (so of a cache line and of every vector width). */
    public static final int DATA_ALIGNMENT = 4096;
    /** A cache line: tensors of whole lines go before the rest, so that they at least start on one. */
    private static final int LINE = 64;

    private SafetensorsWriter() {
    }

    /** Bytes the data of these tensors takes in {@code dtype}. */
    public static long dataBytes(List<TensorSpec> specs, DType dtype) {
        long total = 0;
        for (TensorSpec s : specs) total += dtype.bytes(s.elements());
        return total;
    }

    public static void write(Path file, List<TensorSpec> specs, DType dtype, PrintStream progress) throws IOException {
        if (dtype == DType.Q8_0) throw new IllegalArgumentException("safetensors has no Q8_0; write a GGUF instead");
        List<TensorSpec> order = new java.util.ArrayList<>();
        for (TensorSpec spec : specs) if (dtype.bytes(spec.elements()) % DATA_ALIGNMENT == 0) order.add(spec);
        for (TensorSpec spec : specs) {
            long bytes = dtype.bytes(spec.elements());
            if (bytes % DATA_ALIGNMENT != 0 && bytes % LINE == 0) order.add(spec);
        }
        for (TensorSpec spec : specs) if (dtype.bytes(spec.elements()) % LINE != 0) order.add(spec);
        ObjectNode header = JSON.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        for (TensorSpec s : order) {
            ObjectNode t = header.putObject(s.name());
            t.put("dtype", dtype.name());
            var shape = t.putArray("shape");
            for (long d : s.shape()) shape.add(d);
            long bytes = dtype.bytes(s.elements());
            t.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        // 8 (the length) + padded ≡ 0 mod DATA_ALIGNMENT
        int padded = (8 + json.length + DATA_ALIGNMENT - 1) / DATA_ALIGNMENT * DATA_ALIGNMENT - 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) head.put((byte) ' ');
        head.flip();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            while (head.hasRemaining()) ch.write(head);
            RowWriter rows = new RowWriter(ch, offset, progress, file.getFileName().toString());
            for (TensorSpec s : order) rows.tensor(s, dtype);
            rows.flush();
        }
    }
}
