package dev.gradus;

import dev.gradus.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;
import java.util.function.UnaryOperator;

/**
 * A plain row-major array of doubles for reference results in {@link OpTableTest}: every
 * operation is written out with its own loops and index arithmetic, sharing no code with
 * Gradus's kernels, shape rules or broadcasting, so that a wrong kernel cannot agree with
 * it by construction. Slow and allocating; for small test shapes only.
 */
final class Ref {
    final int[] shape;
    final double[] data;

    Ref(int[] shape, double[] data) {
        if (size(shape) != data.length) {
            throw new IllegalArgumentException(data.length + " values for shape " + Arrays.toString(shape));
        }
        this.shape = shape.clone();
        this.data = data;
    }

    /** Copies a tensor's elements (of any dtype) in row-major order. */
    static Ref of(Tensor t) {
        double[] d = new double[t.size()];
        for (int k = 0; k < d.length; k++) {
            d[k] = t.getFlat(k);
        }
        return new Ref(t.shape().dims(), d);
    }

    static int size(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    int rank() {
        return shape.length;
    }

    /** Row-major position → coordinates. */
    int[] coords(int flat) {
        int[] idx = new int[shape.length];
        for (int a = shape.length - 1; a >= 0; a--) {
            idx[a] = flat % shape[a];
            flat /= shape[a];
        }
        return idx;
    }

    /** Coordinates → row-major position. */
    int flat(int[] idx) {
        int f = 0;
        for (int a = 0; a < shape.length; a++) {
            if (idx[a] < 0 || idx[a] >= shape[a]) {
                throw new IndexOutOfBoundsException(Arrays.toString(idx) + " in " + Arrays.toString(shape));
            }
            f = f * shape[a] + idx[a];
        }
        return f;
    }

    double get(int... idx) {
        return data[flat(idx)];
    }

    private static int axis(int axis, int rank) {
        return axis < 0 ? axis + rank : axis;
    }

    // ------------------------------------------------------------ elementwise

    Ref map(DoubleUnaryOperator f) {
        double[] out = new double[data.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = f.applyAsDouble(data[k]);
        }
        return new Ref(shape, out);
    }

    /** Numpy broadcasting, written out: align on the right, sizes must match or be 1. */
    static int[] broadcastShape(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("cannot broadcast " + Arrays.toString(a) + " with " + Arrays.toString(b));
            }
            out[i] = Math.max(da, db);
        }
        return out;
    }

    /** The element this array contributes at {@code outIdx} of a broadcast result. */
    double broadcastGet(int[] outIdx) {
        int lead = outIdx.length - shape.length;
        int[] idx = new int[shape.length];
        for (int a = 0; a < shape.length; a++) {
            idx[a] = shape[a] == 1 ? 0 : outIdx[a + lead];
        }
        return get(idx);
    }

    static Ref zip(Ref a, Ref b, DoubleBinaryOperator f) {
        int[] s = broadcastShape(a.shape, b.shape);
        Ref out = new Ref(s, new double[size(s)]);
        for (int k = 0; k < out.data.length; k++) {
            int[] idx = out.coords(k);
            out.data[k] = f.applyAsDouble(a.broadcastGet(idx), b.broadcastGet(idx));
        }
        return out;
    }

    Ref broadcastTo(int... target) {
        Ref out = new Ref(target, new double[size(target)]);
        for (int k = 0; k < out.data.length; k++) {
            out.data[k] = broadcastGet(out.coords(k));
        }
        return out;
    }

    // ------------------------------------------------------------ reductions and lines

    /** Applies {@code f} to the group of elements that each output element reduces. */
    Ref reduce(int[] axes, boolean keepDims, ToDoubleFunction<double[]> f) {
        boolean[] reduced = new boolean[rank()];
        if (axes.length == 0) {
            Arrays.fill(reduced, true);
        }
        for (int a : axes) {
            reduced[axis(a, rank())] = true;
        }
        List<Integer> kept = new ArrayList<>();
        for (int a = 0; a < rank(); a++) {
            if (keepDims) {
                kept.add(reduced[a] ? 1 : shape[a]);
            } else if (!reduced[a]) {
                kept.add(shape[a]);
            }
        }
        int[] outShape = kept.stream().mapToInt(Integer::intValue).toArray();
        int outSize = size(outShape);
        List<List<Double>> groups = new ArrayList<>();
        for (int i = 0; i < outSize; i++) {
            groups.add(new ArrayList<>());
        }
        for (int k = 0; k < data.length; k++) {
            int[] idx = coords(k);
            int o = 0;
            for (int a = 0; a < rank(); a++) {
                if (!reduced[a]) {
                    o = o * shape[a] + idx[a];
                }
            }
            groups.get(o).add(data[k]);
        }
        double[] out = new double[outSize];
        for (int i = 0; i < outSize; i++) {
            out[i] = f.applyAsDouble(groups.get(i).stream().mapToDouble(Double::doubleValue).toArray());
        }
        return new Ref(outShape, out);
    }

    /** Replaces every line along {@code axis} by {@code f} of it (same length). */
    Ref lines(int axis, UnaryOperator<double[]> f) {
        int ax = axis(axis, rank());
        double[] out = new double[data.length];
        for (int k = 0; k < data.length; k++) {
            int[] idx = coords(k);
            if (idx[ax] != 0) {
                continue;
            }
            double[] line = new double[shape[ax]];
            for (int i = 0; i < line.length; i++) {
                idx[ax] = i;
                line[i] = get(idx);
            }
            double[] mapped = f.apply(line);
            for (int i = 0; i < line.length; i++) {
                idx[ax] = i;
                out[flat(idx)] = mapped[i];
            }
        }
        return new Ref(shape, out);
    }

    /** Replaces every line along {@code axis} by the index {@code f} picks in it, dropping the axis. */
    Ref argLines(int axis, ToIntFunction<double[]> f) {
        int ax = axis(axis, rank());
        return reduce(new int[] {ax}, false, line -> f.applyAsInt(line));
    }

    // ------------------------------------------------------------ shape

    Ref reshape(int... dims) {
        return new Ref(dims, data.clone());
    }

    Ref transpose(int... perm) {
        int[] s = new int[rank()];
        for (int i = 0; i < rank(); i++) {
            s[i] = shape[perm[i]];
        }
        Ref out = new Ref(s, new double[data.length]);
        for (int k = 0; k < data.length; k++) {
            int[] o = out.coords(k);
            int[] in = new int[rank()];
            for (int i = 0; i < rank(); i++) {
                in[perm[i]] = o[i];
            }
            out.data[k] = get(in);
        }
        return out;
    }

    /**
     * Selects explicit positions on each axis: {@code positions[a]} lists the positions kept
     * on axis a, in order (null or missing: the whole axis).
     */
    Ref pick(int[]... positions) {
        int[][] pos = new int[rank()][];
        int[] s = new int[rank()];
        for (int a = 0; a < rank(); a++) {
            if (a < positions.length && positions[a] != null) {
                pos[a] = positions[a];
            } else {
                pos[a] = new int[shape[a]];
                for (int i = 0; i < shape[a]; i++) {
                    pos[a][i] = i;
                }
            }
            s[a] = pos[a].length;
        }
        Ref out = new Ref(s, new double[size(s)]);
        for (int k = 0; k < out.data.length; k++) {
            int[] o = out.coords(k);
            int[] in = new int[rank()];
            for (int a = 0; a < rank(); a++) {
                in[a] = pos[a][o[a]];
            }
            out.data[k] = get(in);
        }
        return out;
    }

    /** Positions start, start+step, ... while inside [start, end) (or (end, start] for a negative step). */
    static int[] positions(int start, int end, int step) {
        List<Integer> p = new ArrayList<>();
        for (int i = start; step > 0 ? i < end : i > end; i += step) {
            p.add(i);
        }
        return p.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Drops a size-1 axis. */
    Ref squeeze(int axis) {
        int ax = axis(axis, rank());
        int[] s = new int[rank() - 1];
        for (int a = 0, j = 0; a < rank(); a++) {
            if (a != ax) {
                s[j++] = shape[a];
            }
        }
        return new Ref(s, data.clone());
    }

    static Ref concat(int axis, Ref... parts) {
        int ax = axis(axis, parts[0].rank());
        int[] s = parts[0].shape.clone();
        s[ax] = 0;
        for (Ref p : parts) {
            s[ax] += p.shape[ax];
        }
        Ref out = new Ref(s, new double[size(s)]);
        for (int k = 0; k < out.data.length; k++) {
            int[] idx = out.coords(k);
            int i = idx[ax];
            int part = 0;
            while (i >= parts[part].shape[ax]) {
                i -= parts[part].shape[ax];
                part++;
            }
            idx[ax] = i;
            out.data[k] = parts[part].get(idx);
        }
        return out;
    }

    /** numpy.take(x, indices, axis). */
    Ref take(Ref indices, int axis) {
        int ax = axis(axis, rank());
        int[] s = new int[rank() - 1 + indices.rank()];
        int j = 0;
        for (int a = 0; a < ax; a++) {
            s[j++] = shape[a];
        }
        for (int d : indices.shape) {
            s[j++] = d;
        }
        for (int a = ax + 1; a < rank(); a++) {
            s[j++] = shape[a];
        }
        Ref out = new Ref(s, new double[size(s)]);
        for (int k = 0; k < out.data.length; k++) {
            int[] o = out.coords(k);
            int[] in = new int[rank()];
            for (int a = 0; a < ax; a++) {
                in[a] = o[a];
            }
            int[] ii = Arrays.copyOfRange(o, ax, ax + indices.rank());
            in[ax] = (int) indices.get(ii);
            for (int a = ax + 1; a < rank(); a++) {
                in[a] = o[a - 1 + indices.rank()];
            }
            out.data[k] = get(in);
        }
        return out;
    }

    Ref oneHot(int depth) {
        int[] s = Arrays.copyOf(shape, rank() + 1);
        s[rank()] = depth;
        double[] out = new double[size(s)];
        for (int k = 0; k < data.length; k++) {
            out[k * depth + (int) data[k]] = 1;
        }
        return new Ref(s, out);
    }

    // ------------------------------------------------------------ linear algebra

    static Ref matMul(Ref a, Ref b, boolean transposeA, boolean transposeB) {
        int m = transposeA ? a.shape[1] : a.shape[0];
        int k = transposeA ? a.shape[0] : a.shape[1];
        int n = transposeB ? b.shape[0] : b.shape[1];
        double[] out = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double x = transposeA ? a.get(p, i) : a.get(i, p);
                    double y = transposeB ? b.get(j, p) : b.get(p, j);
                    s += x * y;
                }
                out[i * n + j] = s;
            }
        }
        return new Ref(new int[] {m, n}, out);
    }

    static Ref batchedMatMul(Ref a, Ref b, boolean transposeA, boolean transposeB) {
        int batch = a.shape[0];
        List<Ref> results = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            Ref ai = a.pick(new int[] {i}).squeeze(0);
            Ref bi = b.pick(new int[] {i}).squeeze(0);
            results.add(matMul(ai, bi, transposeA, transposeB).reshape(1, transposeA ? a.shape[2] : a.shape[1],
                    transposeB ? b.shape[1] : b.shape[2]));
        }
        return concat(0, results.toArray(new Ref[0]));
    }

    /** numpy.tensordot: sums over the paired axes; the result has a's other axes, then b's. */
    static Ref tensordot(Ref a, Ref b, int[] axesA, int[] axesB) {
        int[] ca = new int[axesA.length];
        int[] cb = new int[axesB.length];
        for (int i = 0; i < ca.length; i++) {
            ca[i] = axis(axesA[i], a.rank());
            cb[i] = axis(axesB[i], b.rank());
        }
        List<Integer> freeA = new ArrayList<>();
        List<Integer> freeB = new ArrayList<>();
        for (int i = 0; i < a.rank(); i++) {
            final int ax = i;
            if (Arrays.stream(ca).noneMatch(c -> c == ax)) {
                freeA.add(i);
            }
        }
        for (int i = 0; i < b.rank(); i++) {
            final int ax = i;
            if (Arrays.stream(cb).noneMatch(c -> c == ax)) {
                freeB.add(i);
            }
        }
        int[] s = new int[freeA.size() + freeB.size()];
        for (int i = 0; i < freeA.size(); i++) {
            s[i] = a.shape[freeA.get(i)];
        }
        for (int i = 0; i < freeB.size(); i++) {
            s[freeA.size() + i] = b.shape[freeB.get(i)];
        }
        int[] contracted = new int[ca.length];
        for (int i = 0; i < ca.length; i++) {
            contracted[i] = a.shape[ca[i]];
        }
        Ref sumIndex = new Ref(contracted, new double[size(contracted)]);
        Ref out = new Ref(s, new double[size(s)]);
        for (int k = 0; k < out.data.length; k++) {
            int[] o = out.coords(k);
            double total = 0;
            for (int c = 0; c < sumIndex.data.length; c++) {
                int[] ci = sumIndex.coords(c);
                int[] ia = new int[a.rank()];
                int[] ib = new int[b.rank()];
                for (int i = 0; i < freeA.size(); i++) {
                    ia[freeA.get(i)] = o[i];
                }
                for (int i = 0; i < freeB.size(); i++) {
                    ib[freeB.get(i)] = o[freeA.size() + i];
                }
                for (int i = 0; i < ca.length; i++) {
                    ia[ca[i]] = ci[i];
                    ib[cb[i]] = ci[i];
                }
                total += a.get(ia) * b.get(ib);
            }
            out.data[k] = total;
        }
        return out;
    }

    // ------------------------------------------------------------ neural networks

    /** Direct 2-D convolution: y[n,o,oh,ow] = Σ_{c,i,j} w[o,c,i,j]·x[n,c,oh·s−p+i·d, ow·s−p+j·d], zero outside. */
    static Ref conv2d(Ref x, Ref w, int sh, int sw, int ph, int pw, int dh, int dw) {
        int n = x.shape[0];
        int c = x.shape[1];
        int h = x.shape[2];
        int wd = x.shape[3];
        int o = w.shape[0];
        int kh = w.shape[2];
        int kw = w.shape[3];
        int oh = (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1;
        int ow = (wd + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
        Ref out = new Ref(new int[] {n, o, oh, ow}, new double[n * o * oh * ow]);
        for (int b = 0; b < n; b++) {
            for (int f = 0; f < o; f++) {
                for (int y = 0; y < oh; y++) {
                    for (int z = 0; z < ow; z++) {
                        double s = 0;
                        for (int ch = 0; ch < c; ch++) {
                            for (int i = 0; i < kh; i++) {
                                for (int j = 0; j < kw; j++) {
                                    int iy = y * sh - ph + i * dh;
                                    int ix = z * sw - pw + j * dw;
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                                        s += w.get(f, ch, i, j) * x.get(b, ch, iy, ix);
                                    }
                                }
                            }
                        }
                        out.data[out.flat(new int[] {b, f, y, z})] = s;
                    }
                }
            }
        }
        return out;
    }

    /** Pooling over windows of the real (unpadded) elements: {@code f} gets the window's elements and its padded size. */
    static Ref pool2d(Ref x, int kh, int kw, int sh, int sw, int ph, int pw, java.util.function.BiFunction<double[], Integer, Double> f) {
        int n = x.shape[0];
        int c = x.shape[1];
        int h = x.shape[2];
        int wd = x.shape[3];
        int oh = (h + 2 * ph - kh) / sh + 1;
        int ow = (wd + 2 * pw - kw) / sw + 1;
        Ref out = new Ref(new int[] {n, c, oh, ow}, new double[n * c * oh * ow]);
        for (int k = 0; k < out.data.length; k++) {
            int[] idx = out.coords(k);
            List<Double> window = new ArrayList<>();
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    int iy = idx[2] * sh - ph + i;
                    int ix = idx[3] * sw - pw + j;
                    if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                        window.add(x.get(idx[0], idx[1], iy, ix));
                    }
                }
            }
            out.data[k] = f.apply(window.stream().mapToDouble(Double::doubleValue).toArray(), kh * kw);
        }
        return out;
    }

    /** Batch normalization over every axis but 1 with the given per-channel mean and variance (null: the batch's, biased). */
    static Ref batchNorm(Ref x, Ref gamma, Ref beta, double[] mean, double[] variance, double eps) {
        int channels = x.shape[1];
        double[] mu = new double[channels];
        double[] var = new double[channels];
        int[] count = new int[channels];
        for (int k = 0; k < x.data.length; k++) {
            int ch = x.coords(k)[1];
            mu[ch] += x.data[k];
            count[ch]++;
        }
        for (int ch = 0; ch < channels; ch++) {
            mu[ch] /= count[ch];
        }
        for (int k = 0; k < x.data.length; k++) {
            int ch = x.coords(k)[1];
            var[ch] += (x.data[k] - mu[ch]) * (x.data[k] - mu[ch]) / count[ch];
        }
        double[] m = mean == null ? mu : mean;
        double[] v = variance == null ? var : variance;
        double[] out = new double[x.data.length];
        for (int k = 0; k < out.length; k++) {
            int ch = x.coords(k)[1];
            out[k] = (x.data[k] - m[ch]) / Math.sqrt(v[ch] + eps) * gamma.data[ch] + beta.data[ch];
        }
        return new Ref(x.shape, out);
    }

    /** The per-channel biased variance of x over every axis but 1, times n/(n−1): PyTorch's running-variance input. */
    static double[] unbiasedChannelVariance(Ref x) {
        int channels = x.shape[1];
        double[] mu = channelMean(x);
        double[] var = new double[channels];
        int n = x.data.length / channels;
        for (int k = 0; k < x.data.length; k++) {
            int ch = x.coords(k)[1];
            var[ch] += (x.data[k] - mu[ch]) * (x.data[k] - mu[ch]) / (n - 1);
        }
        return var;
    }

    static double[] channelMean(Ref x) {
        int channels = x.shape[1];
        double[] mu = new double[channels];
        int n = x.data.length / channels;
        for (int k = 0; k < x.data.length; k++) {
            mu[x.coords(k)[1]] += x.data[k] / n;
        }
        return mu;
    }

    /** −(1/N) Σ_n Σ_k t[n,k]·log softmax(z[n])_k, with log softmax written out as z − m − log Σ exp(z − m). */
    static Ref softmaxCrossEntropy(Ref z, Ref t) {
        int rows = z.shape[0];
        int classes = z.shape[1];
        double total = 0;
        for (int n = 0; n < rows; n++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < classes; k++) {
                m = Math.max(m, z.get(n, k));
            }
            double s = 0;
            for (int k = 0; k < classes; k++) {
                s += Math.exp(z.get(n, k) - m);
            }
            for (int k = 0; k < classes; k++) {
                total -= t.get(n, k) * (z.get(n, k) - m - Math.log(s));
            }
        }
        return new Ref(new int[0], new double[] {total / rows});
    }

    /** erf by its alternating Maclaurin series Σ (−1)ⁿ x^(2n+1) / (n!(2n+1)) · 2/√π; accurate to ~1e-14 for |x| ≤ 2.2. */
    static double erfSeries(double x) {
        double term = x;
        double sum = x;
        for (int n = 1; n < 200; n++) {
            term *= -x * x / n;
            double add = term / (2 * n + 1);
            sum += add;
            if (Math.abs(add) < 1e-18) {
                break;
            }
        }
        return sum * 2 / Math.sqrt(Math.PI);
    }

    /** The mean of all elements, as a rank-0 Ref. */
    Ref meanAll() {
        double s = 0;
        for (double v : data) {
            s += v;
        }
        return new Ref(new int[0], new double[] {s / data.length});
    }
}
