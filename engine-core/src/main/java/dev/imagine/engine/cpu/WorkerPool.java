package dev.imagine.engine.cpu;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed set of daemon threads that run the chunks of one parallel loop at a time, for kernels that are
 * called thousands of times a second (every matmul of every decode step). A call hands out chunk indices
 * [0, chunks) through one atomic counter; the calling thread works too, so a pool of N threads starts N-1
 * workers. Idle workers spin for {@link #SPIN_NANOS} and then park, so back-to-back calls cost a few
 * hundred nanoseconds and an idle engine costs no CPU. Nothing is allocated per call.
 *
 * <p>Calls from several threads at once are safe: one caller owns the workers, the others run their
 * loops alone on their own thread (as do nested calls from inside a chunk).
 *
 * <p>Usage: {@code WorkerPool.common().forEach(chunks, (chunk) -> work(chunk));}
 */
public final class WorkerPool implements AutoCloseable {
    /** One piece of a parallel loop; must be safe to run on any thread, in any order. */
    @FunctionalInterface
    public interface Chunk {
        void run(int chunk);
    }

    /** How long an idle worker spins before parking: longer than the gap between two matmuls of a decode step. */
    static final long SPIN_NANOS = 50_000;
    /** Chunks per call are packed into 20 bits of the ticket. */
    public static final int MAX_CHUNKS = (1 << 20) - 1;

    private static volatile WorkerPool common;

    private final int threads;
    private final Thread[] workers;
    private final ReentrantLock owner = new ReentrantLock();
    /**
     * The claim counter of the current call: generation (24 bits) | chunk count (20) | next chunk (20). A worker
     * that wakes late sees another generation or no chunk left, so it can never run a chunk of a finished call.
     */
    private final AtomicLong ticket = new AtomicLong();
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicInteger parkedFlags = new AtomicInteger(); // bit i set while worker i is (about to be) parked
    private volatile long epoch;
    private volatile boolean closed;
    private volatile Chunk task;
    private volatile Throwable failure;

    /** A pool that runs each loop on {@code threads} threads (the caller plus threads-1 workers). */
    public WorkerPool(int threads) {
        if (threads < 1 || threads > 31) throw new IllegalArgumentException("threads must be 1..31, got " + threads);
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            int id = i;
            workers[i] = Thread.ofPlatform().daemon().name("imagine-worker-" + (i + 1)).unstarted(() -> workLoop(id));
            workers[i].start();
        }
    }

    /**
     * The process-wide pool used by {@link Matmul}: sized by the system property {@code imagine.threads}, else
     * by the number of available processors.
     */
    public static WorkerPool common() {
        WorkerPool p = common;
        if (p == null) {
            synchronized (WorkerPool.class) {
                if (common == null) {
                    common = new WorkerPool(Math.max(1, Integer.getInteger("imagine.threads",
                            Runtime.getRuntime().availableProcessors())));
                }
                p = common;
            }
        }
        return p;
    }

    /** Replaces the common pool by one of {@code threads} threads (e.g. from a {@code --threads} option). */
    public static synchronized void setCommonThreads(int threads) {
        WorkerPool old = common;
        if (old != null && old.threads == threads) return;
        common = new WorkerPool(threads);
        if (old != null) old.close();
    }

    public int threads() {
        return threads;
    }

    /** Whether the workers may touch this segment (false for one confined to the calling thread's arena). */
    public boolean workersCanAccess(MemorySegment segment) {
        return workers.length == 0 || segment.isAccessibleBy(workers[0]);
    }

    /**
     * Runs {@code task.run(c)} for every c in [0, chunks) and returns when all are done. An exception thrown
     * by a chunk is rethrown here (the other chunks still run).
     */
    public void forEach(int chunks, Chunk task) {
        if (chunks <= 0) return;
        if (chunks > MAX_CHUNKS) throw new IllegalArgumentException("at most " + MAX_CHUNKS + " chunks, got " + chunks);
        if (threads == 1 || chunks == 1 || closed || owner.isHeldByCurrentThread() || !owner.tryLock()) {
            for (int c = 0; c < chunks; c++) task.run(c);
            return;
        }
        try {
            long gen = (epoch + 1) & 0xffffffL;
            this.task = task;
            this.failure = null;
            done.set(0);
            ticket.set(gen << 40 | (long) chunks << 20);
            epoch = gen; // volatile write: wakes the spinning workers
            int sleeping = parkedFlags.get();
            for (int i = 0; i < workers.length; i++) {
                if ((sleeping & (1 << i)) != 0) LockSupport.unpark(workers[i]);
            }
            runChunks(gen);
            // A worker that claimed a chunk finishes it within microseconds unless the OS took its core; then yield.
            long spins = 0;
            while (done.get() != chunks) {
                if (++spins < 20_000) Thread.onSpinWait();
                else Thread.yield();
            }
            this.task = null;
            Throwable t = failure;
            if (t != null) {
                failure = null;
                if (t instanceof RuntimeException r) throw r;
                if (t instanceof Error e) throw e;
                throw new IllegalStateException(t);
            }
        } finally {
            owner.unlock();
        }
    }

    /** Claims and runs chunks of generation gen until none is left. */
    private void runChunks(long gen) {
        while (true) {
            long t = ticket.get();
            if (t >>> 40 != gen) return;
            int next = (int) (t & MAX_CHUNKS), count = (int) (t >>> 20 & MAX_CHUNKS);
            if (next >= count) return;
            if (!ticket.compareAndSet(t, t + 1)) continue;
            try {
                task.run(next); // safe to read: the caller waits for this chunk before it replaces task
            } catch (Throwable e) {
                if (failure == null) failure = e;
            }
            done.incrementAndGet();
        }
    }

    private void workLoop(int id) {
        long seen = 0;
        int bit = 1 << id;
        while (!closed) {
            long e = epoch;
            if (e == seen) {
                long start = System.nanoTime();
                int spins = 0;
                while ((e = epoch) == seen && !closed) {
                    Thread.onSpinWait();
                    if ((++spins & 63) == 0 && System.nanoTime() - start > SPIN_NANOS) {
                        parkedFlags.getAndUpdate(f -> f | bit);
                        if (epoch == seen && !closed) LockSupport.park(this);
                        parkedFlags.getAndUpdate(f -> f & ~bit);
                        start = System.nanoTime();
                    }
                }
                if (closed) return;
            }
            seen = e;
            runChunks(e);
        }
    }

    /** Stops the workers once they are idle; later calls run on the calling thread. */
    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) LockSupport.unpark(w);
    }
}
