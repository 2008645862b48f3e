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
 * spaces to a multiple of 8, then each tensor's bytes in order.
 *
 * <p>Usage: {@code SafetensorsWriter.write(dir.resolve("model.safetensors"), specs, DType.BF16, System.err);}
 */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

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
        ObjectNode header = JSON.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        for (TensorSpec s : specs) {
            ObjectNode t = header.putObject(s.name());
            t.put("dtype", dtype.name());
            var shape = t.putArray("shape");
            for (long d : s.shape()) shape.add(d);
            long bytes = dtype.bytes(s.elements());
            t.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) head.put((byte) ' ');
        head.flip();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            while (head.hasRemaining()) ch.write(head);
            RowWriter rows = new RowWriter(ch, offset, progress, file.getFileName().toString());
            for (TensorSpec s : specs) rows.tensor(s, dtype);
            rows.flush();
        }
    }
}
