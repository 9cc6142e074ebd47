package dev.gradus.cuda;

import static dev.gradus.Ops.add;
import static dev.gradus.Ops.exp;
import static dev.gradus.Ops.mul;
import static dev.gradus.Ops.neg;
import static dev.gradus.Ops.sigmoid;
import static dev.gradus.Ops.sin;
import static dev.gradus.Ops.tanh;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gradus.graph.Graph;
import dev.gradus.graph.Node;
import dev.gradus.op.Op;
import dev.gradus.tensor.DType;
import dev.gradus.tensor.Tensor;
import dev.gradus.vm.TapeMachine;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * GPU tests: every kernel of the default kernel source against the CPU op, fused against
 * unfused chains, device residency (copies counted) and the engine's own copies. They skip
 * where no GPU can be used.
 */
@Tag("gpu")
class CudaGpuTest {
    private static KernelSource kernels;

    @BeforeAll
    static void needAGpu() {
        Optional<String> why = Cuda.probe();
        assumeTrue(why.isEmpty(), () -> "no usable GPU: " + why.orElse(""));
        kernels = Cuda.defaultKernels();
    }

    private static final double[] EDGES = {0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -3.0, 20.0, -20.0, 80.0, -80.0, 1e-30,
        -1e-30, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN};

    private static Tensor data(Random rnd, DType dtype, int n, double scale) {
        Tensor t = Tensor.zeros(dtype, n);
        for (int i = 0; i < n; i++) {
            t.setAt(i, i < EDGES.length ? EDGES[i] : (rnd.nextDouble() * 2 - 1) * scale);
        }
        return t;
    }

    private static double[] cpu(Graph g, Node out) {
        try (TapeMachine m = TapeMachine.of(g)) {
            m.runAll();
            return out.value().toDoubleArray();
        }
    }

    private static double[] gpu(Graph g, Node out, boolean fuse) {
        try (TapeMachine m = TapeMachine.builder(g).useCuda().requireCuda().cudaKernels(kernels).fuseKernels(fuse).build()) {
            m.runAll();
            assertTrue(m.cudaKernelCount() > 0, m.listing());
            return out.value().toDoubleArray();
        }
    }

    /**
     * Agreement of a GPU result with Java's: NaN where Java gives NaN, the same infinities,
     * otherwise within a relative tolerance fit for the dtype (the driver compiles
     * transcendental functions with the GPU's own approximations).
     */
    private static void assertClose(String what, double[] inputs, double[] expected, double[] actual, DType dtype) {
        double rtol = dtype == DType.FLOAT32 ? 2e-5 : 1e-10;
        double atol = dtype == DType.FLOAT32 ? 1e-6 : 1e-13;
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            boolean ok = Double.isNaN(e) ? Double.isNaN(a) : Double.isInfinite(e) ? e == a
                    : Math.abs(a - e) <= atol + rtol * Math.abs(e);
            if (!ok && bad.size() < 5) {
                bad.add("element " + i + " (input " + inputs[i] + "): cpu " + e + ", gpu " + a);
            }
        }
        if (!bad.isEmpty()) {
            fail(what + " " + dtype + " differs: " + bad);
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void everyKernelMatchesTheCpuOp(DType dtype) {
        Random rnd = new Random(42);
        int n = 4099;   // not a multiple of the block size
        int tested = 0;
        for (Op op : Cuda.elementwiseOps()) {
            if (!kernels.supports(op)) {
                continue;
            }
            tested++;
            Graph g = new Graph();
            Tensor xs = data(rnd, dtype, n, 4.0);
            Node x = g.input("x", xs);
            if (op.arity() == 1) {
                Node y = g.apply(op, x);
                assertClose(op.name(), xs.toDoubleArray(), cpu(g, y), gpu(g, y, true), dtype);
            } else {
                Tensor ys = data(rnd, dtype, n, 4.0);
                // Shift the second operand so edge values meet ordinary ones.
                for (int i = 0; i < EDGES.length; i++) {
                    ys.setAt(i, EDGES[(i + 3) % EDGES.length]);
                }
                Node y = g.input("y", ys);
                Node both = g.apply(op, x, y);
                assertClose(op.name(), xs.toDoubleArray(), cpu(g, both), gpu(g, both, true), dtype);
                Node s = g.scalar(dtype, "s", 1.75);
                Node withScalar = g.apply(op, s, x);
                assertClose(op.name() + "(scalar, x)", xs.toDoubleArray(), cpu(g, withScalar), gpu(g, withScalar, true),
                        dtype);
            }
        }
        assertTrue(tested >= 10, "the kernel source supports only " + tested + " ops");
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void fusedChainsMatchUnfusedOnesAndTheCpu(DType dtype) {
        Random rnd = new Random(43);
        Graph g = new Graph();
        Tensor xs = data(rnd, dtype, 100_003, 3.0);
        Node x = g.input("x", xs);
        Node a = g.scalar(dtype, "a", 1.5);
        Node b = g.scalar(dtype, "b", -0.25);
        Node affine = sigmoid(add(mul(a, x), b));
        double[] fused = gpu(g, affine, true);
        double[] unfused = gpu(g, affine, false);
        assertClose("sigmoid(a*x+b) fused vs cpu", xs.toDoubleArray(), cpu(g, affine), fused, dtype);
        assertClose("sigmoid(a*x+b) fused vs unfused", xs.toDoubleArray(), unfused, fused, dtype);

        Graph g5 = new Graph();
        Node x5 = g5.input("x", xs);
        Node chain = sigmoid(tanh(sin(exp(neg(x5)))));
        try (TapeMachine m = TapeMachine.builder(g5).useCuda().requireCuda().cudaKernels(kernels).build()) {
            assertEquals(1, m.cudaKernelCount(), m.listing());
        }
        assertClose("5-op chain fused vs cpu", xs.toDoubleArray(), cpu(g5, chain), gpu(g5, chain, true), dtype);
        assertClose("5-op chain fused vs unfused", xs.toDoubleArray(), gpu(g5, chain, false), gpu(g5, chain, true), dtype);
    }

    @Test
    void aChainStaysOnTheDeviceBetweenOps() {
        Graph g = new Graph();
        Node x = g.input("x", data(new Random(44), DType.FLOAT32, 1 << 20, 3.0));
        Node y = sigmoid(tanh(sin(exp(neg(x)))));
        for (boolean fuse : new boolean[] {true, false}) {
            try (TapeMachine m = TapeMachine.builder(g).useCuda().requireCuda().cudaKernels(kernels).fuseKernels(fuse)
                    .build()) {
                assertEquals(fuse ? 1 : 5, m.cudaKernelCount(), m.listing());
                for (int run = 1; run <= 3; run++) {
                    m.runAll();
                    assertEquals(run, m.copiesToDevice(), m.listing());
                    assertEquals(run, m.copiesToHost(), m.listing());
                }
                assertTrue(Double.isFinite(y.value().get(12345)));
            }
        }
    }

    @Test
    void theEngineCopiesStridedTensorsBothWaysAndClosesOnce() {
        try (CudaEngine engine = Cuda.open(kernels)) {
            assertTrue(!engine.deviceName().isEmpty());
            double[] values = new double[24];
            for (int i = 0; i < values.length; i++) {
                values[i] = i * 0.5 - 3;
            }
            Tensor m = Tensor.of(values, 4, 6);
            Tensor t = m.transpose(1, 0);              // a strided view
            DeviceArray a = engine.allocate(DType.FLOAT64, 24);
            engine.toDevice(t, a);
            Tensor back = Tensor.zeros(DType.FLOAT64, 6, 4);
            engine.toHost(a, back);
            assertArrayEquals(t.toDoubleArray(), back.toDoubleArray());
            assertEquals(1, engine.copiesToDevice());
            assertEquals(1, engine.copiesToHost());
            assertThrows(IllegalArgumentException.class, () -> engine.toHost(a, Tensor.zeros(DType.FLOAT64, 5)));
            engine.close();
            engine.close();
            assertThrows(IllegalStateException.class, () -> engine.allocate(DType.FLOAT32, 4));
        }
    }
}
