package dev.imagine.engine.cpu;

import dev.imagine.engine.tensor.DType;
import dev.imagine.engine.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Matrix multiplication against a weight tensor: {@code x[T,D] · w[O,D]ᵀ → y[T,O]}, x and y f32, w in any
 * {@link DType}. One row (decoding a token) runs the bandwidth-bound {@link MatVec} kernels; several rows
 * (prefill, batched decode) the register-tiled {@link Gemm}. Output rows are split across a
 * {@link WorkerPool}; nothing is allocated per call once a thread's scratch buffers have grown. Segments
 * confined to the calling thread (an {@code Arena.ofConfined()}) cannot be read by the workers, so such calls
 * run on the calling thread alone: use global, shared or auto arenas (or heap segments) for speed.
 *
 * <p>Usage: {@code Matmul.matmul(x, T, w, y);}
 */
public final class Matmul {
    /** Below this many multiply-adds a call runs on the calling thread: waking workers costs more. */
    private static final long PARALLEL_MIN_MACS = 1 << 15;
    /** Chunks per thread: enough that a thread slowed by the OS is covered by the others. */
    private static final int CHUNKS_PER_THREAD = 8;
    /**
     * Up to this many rows run {@link BatchMatVec} (weights read once, converted in registers for every row);
     * more run the panel-converting {@link Gemm}, whose conversion cost is then spread over enough rows.
     */
    static final int SMALL_ROWS = 16;

    private static final ThreadLocal<Job> JOBS = ThreadLocal.withInitial(Job::new);
    private static final ThreadLocal<Scratch> PANELS = ThreadLocal.withInitial(Scratch::new);

    private Matmul() {
    }

    /** y[t,o] = Σ_d x[t,d]·w[o,d] for t < rows, on the common {@link WorkerPool}. */
    public static void matmul(MemorySegment x, int rows, Tensor w, MemorySegment y) {
        matmul(WorkerPool.common(), x, rows, w, y);
    }

    /** As {@link #matmul(MemorySegment, int, Tensor, MemorySegment)} on the given pool. */
    public static void matmul(WorkerPool pool, MemorySegment x, int rows, Tensor w, MemorySegment y) {
        if (w.rank() != 2) throw new IllegalArgumentException("matmul weight must be 2-D: " + w);
        int out = w.dim(0), in = w.dim(1);
        if (rows < 0) throw new IllegalArgumentException("matmul rows must be >= 0, got " + rows);
        if (x.byteSize() < (long) rows * in * 4) {
            throw new IllegalArgumentException("matmul x holds " + x.byteSize() + " bytes, " + rows + "x" + in + " f32 need " + (long) rows * in * 4);
        }
        if (y.byteSize() < (long) rows * out * 4) {
            throw new IllegalArgumentException("matmul y holds " + y.byteSize() + " bytes, " + rows + "x" + out + " f32 need " + (long) rows * out * 4);
        }
        if (rows == 0 || out == 0) return;
        Job job = JOBS.get();
        job.x = x;
        job.y = y;
        job.type = w.dtype();
        job.w = w.data();
        job.rows = rows;
        job.out = out;
        job.in = in;
        long macs = (long) rows * out * in;
        // x is copied (or paired) into a scratch buffer on this thread, so only w and y must be shared
        boolean shareable = pool.workersCanAccess(w.data()) && pool.workersCanAccess(y);
        int threads = macs < PARALLEL_MIN_MACS || !shareable ? 1 : pool.threads();
        try {
            if (rows == 1 || rows <= SMALL_ROWS && job.type != DType.F16) {
                // decode and batched decode: weights converted in registers, each 4-row group read once for all rows
                job.xs.ensure((long) rows * in * 4);
                if (job.type == DType.BF16) BatchMatVec.pairActivations(x, rows, in, job.xs.segment);
                else MemorySegment.copy(x, 0, job.xs.segment, 0, (long) rows * in * 4);
                int groups = (out + 3) / 4;
                int chunks = Math.min(groups, threads == 1 ? 1 : threads * CHUNKS_PER_THREAD);
                job.unitsPerChunk = (groups + chunks - 1) / chunks * 4;
                job.chunks = (out + job.unitsPerChunk - 1) / job.unitsPerChunk;
                pool.forEach(job.chunks, job.vectorChunk);
            } else {
                job.kp = Gemm.padded(in);
                job.xs.ensure((long) rows * job.kp * 4);
                Gemm.packActivations(x, rows, in, job.xs.segment, job.kp);
                int panels = (out + Gemm.PANEL - 1) / Gemm.PANEL;
                int chunks = Math.min(panels, threads == 1 ? 1 : threads * CHUNKS_PER_THREAD);
                job.unitsPerChunk = (panels + chunks - 1) / chunks;
                job.chunks = (panels + job.unitsPerChunk - 1) / job.unitsPerChunk;
                pool.forEach(job.chunks, job.matrixChunk);
            }
        } finally {
            job.x = null;
            job.y = null;
            job.w = null;
        }
    }

    /**
     * Runs every kernel (each weight type, one row and several) on small matrices until the JIT has compiled
     * them. Until then the Vector API runs as plain Java objects, 10-100× slower, so a benchmark or a server
     * calls this once before timing or serving. Takes about a second.
     */
    public static void warmUp(WorkerPool pool) {
        int out = 36, in = 256;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment x = arena.allocate(8L * in * 4, 64), y = arena.allocate(8L * out * 4, 64);
            for (long i = 0; i < 8L * in; i++) x.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i, (i % 7) * 0.1f);
            for (DType type : DType.values()) {
                MemorySegment data = arena.allocate(type.bytes((long) out * in), 64);
                data.fill((byte) 0x11); // small normal values in every type (no subnormals: they are slow)
                Tensor w = new Tensor("warm-up", type, new long[]{out, in}, data);
                for (int i = 0; i < 400; i++) {
                    matmul(pool, x, 1, w, y);
                    matmul(pool, x, 8, w, y);
                    matmul(pool, x, 5, w, y);
                }
            }
        }
    }

    /**
     * A growable off-heap f32 buffer owned by one thread (the Vector API loads native segments fastest).
     * Auto arena: freed with its thread.
     */
    private static final class Scratch {
        MemorySegment segment = MemorySegment.NULL;

        void ensure(long bytes) {
            if (segment.byteSize() < bytes) segment = Arena.ofAuto().allocate(Math.max(bytes, segment.byteSize() * 3 / 2), 64);
        }
    }

    /** The state of one call, reused by its calling thread; chunks read it from any worker. */
    private static final class Job {
        MemorySegment x, y, w;
        DType type;
        int rows, out, in, kp, chunks, unitsPerChunk;
        final Scratch xs = new Scratch();
        // bound once so that handing a chunk method to the pool allocates nothing per call
        final WorkerPool.Chunk vectorChunk = this::vectorChunk;
        final WorkerPool.Chunk matrixChunk = this::matrixChunk;

        void vectorChunk(int chunk) {
            int o0 = chunk * unitsPerChunk, o1 = Math.min(out, o0 + unitsPerChunk);
            MemorySegment xs = this.xs.segment;
            switch (type) {
                case BF16 -> BatchMatVec.bf16(xs, rows, w, in, out, o0, o1, y);
                case F32 -> {
                    if (rows == 1) MatVec.f32(xs, w, in, o0, o1, y);
                    else BatchMatVec.f32(xs, rows, w, in, out, o0, o1, y);
                }
                case Q8_0 -> {
                    if (rows == 1) MatVec.q8(xs, w, in, o0, o1, y);
                    else BatchMatVec.q8(xs, rows, w, in, out, o0, o1, y);
                }
                case F16 -> {
                    for (int t = 0; t < rows; t++) {
                        MatVec.f16(xs.asSlice((long) t * in * 4, (long) in * 4), w, in, o0, o1, y.asSlice((long) t * out * 4, (long) out * 4));
                    }
                }
            }
        }

        void matrixChunk(int chunk) {
            int panels = (out + Gemm.PANEL - 1) / Gemm.PANEL;
            int p0 = chunk * unitsPerChunk, p1 = Math.min(panels, p0 + unitsPerChunk);
            Scratch panel = PANELS.get();
            panel.ensure((long) Gemm.PANEL * Math.min(kp, Gemm.K_BLOCK) * 4);
            Gemm.multiply(xs.segment, rows, kp, type, w, out, in, p0, p1, y, panel.segment);
        }
    }
}
