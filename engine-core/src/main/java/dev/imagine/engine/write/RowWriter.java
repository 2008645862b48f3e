package dev.imagine.engine.write;

import dev.imagine.engine.tensor.DType;
import dev.imagine.engine.tensor.Float16;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * Streams tensor rows into a file channel in a given dtype through one 4 MiB buffer, reporting progress on stderr
 * for big files. Q8_0 rows are quantised as llama.cpp does: per block of 32, d = max|x|/127, q = round(x/d)
 * (ties away from zero, like roundf).
 *
 * <p>Usage: {@code RowWriter w = new RowWriter(channel, total, progress); w.tensor(spec, DType.BF16); w.flush();}
 */
final class RowWriter {
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(4 << 20).order(ByteOrder.LITTLE_ENDIAN);
    private final long totalBytes;
    private final PrintStream progress;
    private final String label;
    private long written;
    private long nextReport;

    RowWriter(FileChannel channel, long totalBytes, PrintStream progress, String label) {
        this.channel = channel;
        this.totalBytes = totalBytes;
        this.progress = progress;
        this.label = label;
        this.nextReport = totalBytes / 20;
    }

    void tensor(TensorSpec spec, DType dtype) throws IOException {
        float[] row = new float[spec.rowLength()];
        ByteBuffer encoded = ByteBuffer.allocate(Math.toIntExact(dtype.bytes(row.length))).order(ByteOrder.LITTLE_ENDIAN);
        for (long r = 0; r < spec.rowCount(); r++) {
            spec.rows().row(r, row);
            encoded.clear();
            switch (dtype) {
                case F32 -> {
                    for (float v : row) encoded.putFloat(v);
                }
                case BF16 -> {
                    for (float v : row) encoded.putShort(Float16.floatToBf16(v));
                }
                case F16 -> {
                    for (float v : row) encoded.putShort(Float16.floatToF16(v));
                }
                case Q8_0 -> quantizeQ8_0(row, encoded);
                case BF16_BLOCKED, Q8_0_BLOCKED -> throw dtype.notAFileType();
            }
            encoded.flip();
            put(encoded);
        }
    }

    /** [cols] → cols/32 blocks of (f16 d, 32 × int8 q). */
    private static void quantizeQ8_0(float[] row, ByteBuffer out) {
        for (int b = 0; b < row.length; b += 32) {
            float amax = 0;
            for (int i = 0; i < 32; i++) amax = Math.max(amax, Math.abs(row[b + i]));
            float d = amax / 127f;
            float id = d != 0 ? 1f / d : 0f;
            out.putShort(Float16.floatToF16(d));
            for (int i = 0; i < 32; i++) {
                float v = row[b + i] * id;
                int q = Math.round(Math.abs(v)); // |v| ≤ 127; ties away from zero as C's roundf
                out.put((byte) (v < 0 ? -q : q));
            }
        }
    }

    private void put(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            if (!buffer.hasRemaining()) drain();
            int n = Math.min(bytes.remaining(), buffer.remaining());
            buffer.put(buffer.position(), bytes, bytes.position(), n);
            buffer.position(buffer.position() + n);
            bytes.position(bytes.position() + n);
            count(n);
        }
    }

    void padTo(long alignment, long position) throws IOException {
        long pad = (alignment - position % alignment) % alignment;
        for (long i = 0; i < pad; i++) putByte((byte) 0);
    }

    void bytes(byte[] b) throws IOException {
        for (byte x : b) putByte(x);
    }

    private void putByte(byte v) throws IOException {
        if (!buffer.hasRemaining()) drain();
        buffer.put(v);
        count(1);
    }

    private void count(long n) {
        written += n;
        if (progress != null && totalBytes > (256L << 20) && written >= nextReport) {
            progress.printf("%s: %d%% (%.2f of %.2f GiB)%n", label, written * 100 / totalBytes, written / 1073741824.0, totalBytes / 1073741824.0);
            nextReport += totalBytes / 20;
        }
    }

    private void drain() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) channel.write(buffer);
        buffer.clear();
    }

    void flush() throws IOException {
        drain();
    }
}
