package dev.gradus.cuda;

import dev.gradus.op.BinaryOp;
import dev.gradus.op.Comparison;
import dev.gradus.op.UnaryOp;
import dev.gradus.tensor.DType;
import dev.gradus.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-only {@link CudaEngine} whose "device" is host memory: it evaluates each
 * {@link KernelSpec} with the ops' scalar forms, rounding every step to the dtype as the
 * unfused CPU program does, so the TapeMachine's placement, fusion, residency and copy
 * scheduling can be checked on machines without a GPU. Device arrays start filled with NaN,
 * so a value read on the device before it was copied there shows up in results. It also
 * records the specs it was given. Never shipped.
 */
public final class SimulatedCudaEngine implements CudaEngine {
    private final KernelSource kernels;
    private final List<KernelSpec> specs = new ArrayList<>();
    private final List<SimArray> arrays = new ArrayList<>();
    private long toDevice;
    private long toHost;
    private long launches;
    private boolean closed;

    /** Makes an engine over {@code kernels} (asked for module text, as a real engine would). */
    public SimulatedCudaEngine(KernelSource kernels) {
        this.kernels = kernels;
    }

    /** Returns the specs prepared so far, in order. */
    public List<KernelSpec> specs() {
        return specs;
    }

    /** Returns true once {@link #close()} ran. */
    public boolean isClosed() {
        return closed;
    }

    /** Returns the number of device arrays allocated. */
    public int arrayCount() {
        return arrays.size();
    }

    @Override
    public String deviceName() {
        return "simulated";
    }

    @Override
    public KernelSource kernels() {
        return kernels;
    }

    @Override
    public DeviceArray allocate(DType dtype, int size) {
        check();
        SimArray a = new SimArray(dtype, size);
        arrays.add(a);
        return a;
    }

    @Override
    public void toDevice(Tensor src, DeviceArray dst) {
        check();
        SimArray a = (SimArray) dst;
        if (src.size() != a.size || src.dtype() != a.dtype) {
            throw new IllegalArgumentException("size/dtype mismatch");
        }
        for (int k = 0; k < a.size; k++) {
            a.data[k] = src.getAt(src.storageIndex(k));
        }
        toDevice++;
    }

    @Override
    public void toHost(DeviceArray src, Tensor dst) {
        check();
        SimArray a = (SimArray) src;
        if (dst.size() != a.size || dst.dtype() != a.dtype || !dst.isContiguous()) {
            throw new IllegalArgumentException("size/dtype mismatch");
        }
        for (int k = 0; k < a.size; k++) {
            dst.setAt(dst.offset() + k, a.data[k]);
        }
        toHost++;
    }

    @Override
    public KernelLaunch prepare(KernelSpec spec, DType dtype, DeviceArray out, List<DeviceArray> arrays, int n) {
        check();
        kernels.module(spec, dtype);
        specs.add(spec);
        if (arrays.size() != spec.inputs().size()) {
            throw new IllegalArgumentException("arity");
        }
        SimArray[] ins = new SimArray[arrays.size()];
        for (int i = 0; i < ins.length; i++) {
            boolean array = spec.inputs().get(i) == KernelSpec.InputKind.ARRAY;
            if (array != (arrays.get(i) != null)) {
                throw new IllegalArgumentException("input " + i + " kind");
            }
            ins[i] = (SimArray) arrays.get(i);
            if (ins[i] != null && (ins[i].size < n || ins[i].dtype != dtype)) {
                throw new IllegalArgumentException("input " + i + " array");
            }
        }
        SimArray o = (SimArray) out;
        if (o.size < n || o.dtype != dtype) {
            throw new IllegalArgumentException("out array");
        }
        return new SimLaunch(spec, dtype, o, ins, n);
    }

    @Override
    public void makeCurrent() {
        check();
    }

    @Override
    public void synchronize() {
        check();
    }

    @Override
    public float elapsedMillis(Runnable work) {
        long t0 = System.nanoTime();
        work.run();
        return (System.nanoTime() - t0) / 1e6f;
    }

    @Override
    public long copiesToDevice() {
        return toDevice;
    }

    @Override
    public long copiesToHost() {
        return toHost;
    }

    @Override
    public long launches() {
        return launches;
    }

    @Override
    public void close() {
        closed = true;
        arrays.clear();
    }

    private void check() {
        if (closed) {
            throw new IllegalStateException("closed");
        }
    }

    private static double round(DType dtype, double v) {
        return dtype == DType.FLOAT32 ? (float) v : v;
    }

    private static final class SimArray implements DeviceArray {
        final DType dtype;
        final int size;
        final double[] data;

        SimArray(DType dtype, int size) {
            this.dtype = dtype;
            this.size = size;
            this.data = new double[size];
            java.util.Arrays.fill(data, Double.NaN);
        }

        @Override
        public DType dtype() {
            return dtype;
        }

        @Override
        public int size() {
            return size;
        }
    }

    private final class SimLaunch implements KernelLaunch {
        final KernelSpec spec;
        final DType dtype;
        final SimArray out;
        final SimArray[] ins;
        final double[] scalars;
        final double[] operands;
        final int n;

        SimLaunch(KernelSpec spec, DType dtype, SimArray out, SimArray[] ins, int n) {
            this.spec = spec;
            this.dtype = dtype;
            this.out = out;
            this.ins = ins;
            this.scalars = new double[ins.length];
            this.operands = new double[ins.length + spec.steps().size()];
            this.n = n;
        }

        @Override
        public void setScalar(int input, double value) {
            if (ins[input] != null) {
                throw new IllegalArgumentException("input " + input + " is an array");
            }
            scalars[input] = round(dtype, value);
        }

        @Override
        public void launch() {
            check();
            int inputs = ins.length;
            for (int i = 0; i < n; i++) {
                for (int p = 0; p < inputs; p++) {
                    operands[p] = ins[p] != null ? ins[p].data[i] : scalars[p];
                }
                for (int k = 0; k < spec.steps().size(); k++) {
                    KernelSpec.Step step = spec.steps().get(k);
                    double v;
                    if (step.op() instanceof UnaryOp u) {
                        v = u.apply(operands[step.args().get(0)]);
                    } else if (step.op() instanceof BinaryOp bo) {
                        v = bo.apply(operands[step.args().get(0)], operands[step.args().get(1)]);
                    } else {
                        v = ((Comparison) step.op()).scalarForm().applyAsDouble(operands[step.args().get(0)],
                                operands[step.args().get(1)]);
                    }
                    operands[inputs + k] = round(dtype, v);
                }
                out.data[i] = operands[inputs + spec.steps().size() - 1];
            }
            launches++;
        }
    }
}
