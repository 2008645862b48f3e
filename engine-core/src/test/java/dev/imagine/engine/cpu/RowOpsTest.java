package dev.imagine.engine.cpu;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The vector row operations against plain double loops, at widths with and without scalar tails. */
class RowOpsTest {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;

    @Test
    void rmsnormAndTheFusedResidualFormMatchDoubleLoops() {
        SplittableRandom rng = new SplittableRandom(1);
        try (Arena arena = Arena.ofConfined()) {
            for (int dim : new int[]{1, 5, 16, 33, 1024}) {
                int rows = 3;
                float[] x = random(rng, rows * dim), d = random(rng, rows * dim), w = random(rng, dim);
                MemorySegment xs = of(arena, x), ds = of(arena, d), ws = of(arena, w), out = arena.allocate(4L * rows * dim);
                RowOps.rmsnorm(xs, ws, out, rows, dim, 1e-6f);
                for (int r = 0; r < rows; r++) {
                    double inv = inverseRms(x, r * dim, dim);
                    for (int i = 0; i < dim; i++) assertEquals(x[r * dim + i] * inv * w[i], out.getAtIndex(F32, r * dim + i), 1e-5, "rmsnorm dim " + dim);
                }
                RowOps.addRmsnorm(xs, ds, ws, out, rows, dim, 1e-6f);
                float[] sum = new float[rows * dim];
                for (int i = 0; i < sum.length; i++) sum[i] = x[i] + d[i];
                for (int r = 0; r < rows; r++) {
                    double inv = inverseRms(sum, r * dim, dim);
                    for (int i = 0; i < dim; i++) {
                        assertEquals(sum[r * dim + i], xs.getAtIndex(F32, r * dim + i), 0f, "residual dim " + dim);
                        assertEquals(sum[r * dim + i] * inv * w[i], out.getAtIndex(F32, r * dim + i), 1e-5, "addRmsnorm dim " + dim);
                    }
                }
            }
        }
    }

    @Test
    void headNormRopeIsNormThenNeoxRotation() {
        SplittableRandom rng = new SplittableRandom(2);
        try (Arena arena = Arena.ofConfined()) {
            for (int headDim : new int[]{4, 16, 40, 128}) {
                int rows = 2, heads = 3, half = headDim / 2;
                float[] x = random(rng, rows * heads * headDim), w = random(rng, headDim);
                float[] cos = new float[rows * half], sin = new float[rows * half];
                for (int i = 0; i < cos.length; i++) {
                    double a = rng.nextDouble() * 6;
                    cos[i] = (float) Math.cos(a);
                    sin[i] = (float) Math.sin(a);
                }
                MemorySegment xs = of(arena, x);
                RowOps.headNormRope(xs, of(arena, w), rows, heads, headDim, 1e-6f, of(arena, cos), of(arena, sin));
                for (int t = 0; t < rows; t++) {
                    for (int h = 0; h < heads; h++) {
                        int base = (t * heads + h) * headDim;
                        double inv = inverseRms(x, base, headDim);
                        for (int i = 0; i < half; i++) {
                            double a = x[base + i] * inv * w[i], b = x[base + i + half] * inv * w[i + half];
                            double c = cos[t * half + i], s = sin[t * half + i];
                            assertEquals(a * c - b * s, xs.getAtIndex(F32, base + i), 1e-5, "headDim " + headDim);
                            assertEquals(b * c + a * s, xs.getAtIndex(F32, base + i + half), 1e-5, "headDim " + headDim);
                        }
                    }
                }
            }
        }
    }

    @Test
    void swigluAndAddMatchScalar() {
        SplittableRandom rng = new SplittableRandom(3);
        try (Arena arena = Arena.ofConfined()) {
            for (int n : new int[]{1, 15, 16, 17, 3072}) {
                float[] g = random(rng, n), u = random(rng, n);
                for (int i = 0; i < n; i++) g[i] *= 8; // reach both tails of the sigmoid
                MemorySegment gs = of(arena, g), us = of(arena, u), out = arena.allocate(4L * n);
                RowOps.swiglu(gs, us, out, n);
                for (int i = 0; i < n; i++) {
                    double want = g[i] / (1 + Math.exp(-g[i])) * u[i];
                    assertEquals(want, out.getAtIndex(F32, i), 1e-5 * Math.max(1, Math.abs(want)), "swiglu n=" + n);
                }
                RowOps.add(gs, us, n);
                for (int i = 0; i < n; i++) assertEquals(g[i] + u[i], gs.getAtIndex(F32, i), 0f, "add n=" + n);
            }
        }
    }

    private static double inverseRms(float[] x, int from, int n) {
        double ss = 0;
        for (int i = 0; i < n; i++) ss += (double) x[from + i] * x[from + i];
        return 1 / Math.sqrt(ss / n + 1e-6);
    }

    private static float[] random(SplittableRandom rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rng.nextGaussian();
        return a;
    }

    private static MemorySegment of(Arena arena, float[] a) {
        MemorySegment s = arena.allocate(4L * Math.max(1, a.length));
        MemorySegment.copy(a, 0, s, F32, 0, a.length);
        return s;
    }
}
