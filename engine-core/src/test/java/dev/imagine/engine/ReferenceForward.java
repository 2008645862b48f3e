package dev.imagine.engine;

import dev.imagine.engine.load.Qwen3Config;
import dev.imagine.engine.load.Qwen3Weights;
import dev.imagine.engine.tensor.Dequantize;
import dev.imagine.engine.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A slow, obviously-correct Qwen3 forward pass in plain scalar double-precision Java, written straight from the
 * architecture (no KV cache, no batching, no shared code with the engine except reading weight rows), for tests.
 */
public final class ReferenceForward {
    private final Qwen3Config c;
    private final Qwen3Weights w;

    public ReferenceForward(Qwen3Weights w) {
        this.w = w;
        this.c = w.config();
    }

    /** Logits [T, vocab] for the tokens evaluated from position 0. */
    public float[] logits(int[] tokens) {
        int n = tokens.length, d = c.hiddenSize(), hd = c.headDim();
        double[][] x = new double[n][];
        for (int t = 0; t < n; t++) x[t] = toDouble(Dequantize.row(w.embedding(), tokens[t]));
        for (Qwen3Weights.Layer layer : w.layers()) {
            double[][] q = new double[n][], k = new double[n][], v = new double[n][];
            for (int t = 0; t < n; t++) {
                double[] h = norm(x[t], 0, d, layer.attnNorm());
                q[t] = matvec(layer.wq(), h);
                k[t] = matvec(layer.wk(), h);
                v[t] = matvec(layer.wv(), h);
                for (int head = 0; head < c.heads(); head++) {
                    normInPlace(q[t], head * hd, hd, layer.qNorm());
                    rope(q[t], head * hd, t);
                }
                for (int head = 0; head < c.kvHeads(); head++) {
                    normInPlace(k[t], head * hd, hd, layer.kNorm());
                    rope(k[t], head * hd, t);
                }
            }
            int group = c.heads() / c.kvHeads();
            for (int t = 0; t < n; t++) {
                double[] att = new double[c.qDim()];
                for (int head = 0; head < c.heads(); head++) {
                    int kvh = head / group;
                    double[] s = new double[t + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= t; j++) {
                        double dot = 0;
                        for (int i = 0; i < hd; i++) dot += q[t][head * hd + i] * k[j][kvh * hd + i];
                        s[j] = dot / Math.sqrt(hd);
                        max = Math.max(max, s[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j <= t; j++) sum += s[j] = Math.exp(s[j] - max);
                    for (int j = 0; j <= t; j++) {
                        for (int i = 0; i < hd; i++) att[head * hd + i] += s[j] / sum * v[j][kvh * hd + i];
                    }
                }
                add(x[t], matvec(layer.wo(), att));
            }
            for (int t = 0; t < n; t++) {
                double[] h = norm(x[t], 0, d, layer.ffnNorm());
                double[] g = matvec(layer.wGate(), h), u = matvec(layer.wUp(), h);
                for (int i = 0; i < g.length; i++) g[i] = g[i] / (1 + Math.exp(-g[i])) * u[i];
                add(x[t], matvec(layer.wDown(), g));
            }
        }
        float[] out = new float[n * c.vocabSize()];
        for (int t = 0; t < n; t++) {
            double[] logits = matvec(w.lmHead(), norm(x[t], 0, d, w.finalNorm()));
            for (int i = 0; i < logits.length; i++) out[t * c.vocabSize() + i] = (float) logits[i];
        }
        return out;
    }

    private void rope(double[] v, int off, int pos) {
        int half = c.headDim() / 2;
        for (int i = 0; i < half; i++) {
            double angle = pos / Math.pow(c.ropeTheta(), 2.0 * i / c.headDim());
            double a = v[off + i], b = v[off + i + half];
            v[off + i] = a * Math.cos(angle) - b * Math.sin(angle);
            v[off + i + half] = b * Math.cos(angle) + a * Math.sin(angle);
        }
    }

    private double[] norm(double[] x, int off, int n, MemorySegment weight) {
        double[] out = new double[n];
        System.arraycopy(x, off, out, 0, n);
        normInPlace(out, 0, n, weight);
        return out;
    }

    private void normInPlace(double[] x, int off, int n, MemorySegment weight) {
        double ss = 0;
        for (int i = 0; i < n; i++) ss += x[off + i] * x[off + i];
        double inv = 1 / Math.sqrt(ss / n + c.rmsNormEps());
        for (int i = 0; i < n; i++) x[off + i] = x[off + i] * inv * weight.getAtIndex(ValueLayout.JAVA_FLOAT, i);
    }

    private static double[] matvec(Tensor m, double[] x) {
        double[] y = new double[m.dim(0)];
        for (int o = 0; o < y.length; o++) {
            float[] row = Dequantize.row(m, o);
            double s = 0;
            for (int i = 0; i < row.length; i++) s += row[i] * x[i];
            y[o] = s;
        }
        return y;
    }

    private static void add(double[] x, double[] d) {
        for (int i = 0; i < x.length; i++) x[i] += d[i];
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }
}
