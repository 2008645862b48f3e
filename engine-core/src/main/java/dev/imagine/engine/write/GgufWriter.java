package dev.imagine.engine.write;

import dev.imagine.engine.tensor.DType;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Writes a GGUF v3 file, streaming rows: header, metadata (String, Integer as u32, Float as f32, Boolean, List of
 * String), tensor infos with dims innermost-first, each tensor's data on a 4 KiB page (written as
 * {@code general.alignment}): GGUF's default of 32 would leave BF16 and F16 rows half a cache line off, so that every
 * 512-bit load of them split across two lines, and {@link dev.imagine.engine.load.Qwen3Weights} copies plain
 * matrices that are not page-aligned. The padding costs under 4 KiB per tensor. Tensor dtypes F32, F16, BF16, Q8_0.
 *
 * <p>Usage: {@code GgufWriter.write(file, metadata, specs, spec -> DType.Q8_0, System.err);}
 */
public final class GgufWriter {
    private static final int ALIGNMENT = 4096;

    private GgufWriter() {
    }

    public static int ggmlType(DType dtype) {
        return switch (dtype) {
            case F32 -> 0;
            case F16 -> 1;
            case Q8_0 -> 8;
            case BF16 -> 30;
            case BF16_BLOCKED, Q8_0_BLOCKED -> throw dtype.notAFileType();
        };
    }

    public static void write(Path file, Map<String, Object> metadata, List<TensorSpec> specs, Function<TensorSpec, DType> dtypeOf,
                             PrintStream progress) throws IOException {
        Map<String, Object> meta = new java.util.LinkedHashMap<>(metadata);
        meta.put("general.alignment", ALIGNMENT);
        Header h = new Header();
        h.u32(0x46554747);
        h.u32(3);
        h.u64(specs.size());
        h.u64(meta.size());
        for (var e : meta.entrySet()) {
            h.string(e.getKey());
            h.value(e.getValue(), e.getKey());
        }
        long offset = 0;
        long[] offsets = new long[specs.size()];
        for (int i = 0; i < specs.size(); i++) {
            TensorSpec s = specs.get(i);
            DType dtype = dtypeOf.apply(s);
            h.string(s.name());
            long[] shape = s.shape();
            h.u32(shape.length);
            for (int d = shape.length - 1; d >= 0; d--) h.u64(shape[d]); // innermost first
            h.u32(ggmlType(dtype));
            h.u64(offset);
            offsets[i] = offset;
            offset = align(offset + dtype.bytes(s.elements()));
        }
        byte[] header = h.bytes();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            RowWriter rows = new RowWriter(ch, header.length + offset, progress, file.getFileName().toString());
            rows.bytes(header);
            rows.padTo(ALIGNMENT, header.length);
            for (int i = 0; i < specs.size(); i++) {
                TensorSpec s = specs.get(i);
                DType dtype = dtypeOf.apply(s);
                rows.tensor(s, dtype);
                rows.padTo(ALIGNMENT, offsets[i] + dtype.bytes(s.elements()));
            }
            rows.flush();
        }
    }

    private static long align(long x) {
        return (x + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    /** The header, built in memory (it is small: names, shapes, metadata). */
    private static final class Header {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

        void u32(int v) {
            scratch.clear();
            out.write(scratch.putInt(v).array(), 0, 4);
        }

        void u64(long v) {
            scratch.clear();
            out.write(scratch.putLong(v).array(), 0, 8);
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            out.write(b, 0, b.length);
        }

        void value(Object v, String key) {
            switch (v) {
                case String s -> {
                    u32(8);
                    string(s);
                }
                case Integer i -> {
                    u32(4);
                    u32(i);
                }
                case Float f -> {
                    u32(6);
                    u32(Float.floatToRawIntBits(f));
                }
                case Boolean b -> {
                    u32(7);
                    out.write(b ? 1 : 0);
                }
                case List<?> list -> {
                    u32(9);
                    u32(8);
                    u64(list.size());
                    for (Object o : list) string((String) o);
                }
                default -> throw new IllegalArgumentException("metadata " + key + ": unsupported value type " + v.getClass());
            }
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
