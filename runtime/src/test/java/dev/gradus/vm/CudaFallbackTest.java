package dev.gradus.vm;

import static dev.gradus.Ops.add;
import static dev.gradus.Ops.mul;
import static dev.gradus.Ops.sigmoid;
import static dev.gradus.Ops.tanh;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gradus.cuda.Cuda;
import dev.gradus.cuda.CudaUnavailableException;
import dev.gradus.cuda.TableKernelSource;
import dev.gradus.graph.Graph;
import dev.gradus.graph.Node;
import dev.gradus.tensor.DType;
import dev.gradus.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Where CUDA cannot be used (no driver, no device, or no natives — as on the build machines),
 * asking for it runs the CPU program with one log line, and requiring it is a clear
 * exception. These tests skip on a machine with a working GPU.
 */
class CudaFallbackTest {
    private static Graph graph(Node[] out) {
        Graph g = new Graph();
        float[] data = new float[100];
        for (int i = 0; i < data.length; i++) {
            data[i] = (i - 50) / 10f;
        }
        Node x = g.input("x", Tensor.of(data, 100));
        out[0] = sigmoid(add(mul(tanh(x), 2.0), 0.5));
        return g;
    }

    private static List<String> warningsWhile(Runnable work) {
        List<String> messages = new ArrayList<>();
        Logger jul = Logger.getLogger(TapeMachine.class.getName());
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    messages.add(r.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(h);
        try {
            work.run();
        } finally {
            jul.removeHandler(h);
        }
        return messages;
    }

    private static void assumeNoGpu() {
        assumeTrue(Cuda.probe().isPresent(), "a GPU is usable here; the fallback is not exercised");
    }

    @Test
    void probeSaysWhyThereIsNoGpu() {
        assumeNoGpu();
        Optional<String> reason = Cuda.probe();
        assertTrue(reason.get().startsWith("CUDA unavailable: "), reason.get());
        assertEquals(reason, Cuda.probe(), "the reason is stable across calls");
    }

    @Test
    void useCudaWithoutAGpuRunsOnTheCpuWithOneLogLine() {
        assumeNoGpu();
        Node[] out = new Node[1];
        Graph g = graph(out);
        double[] expected;
        try (TapeMachine cpu = TapeMachine.of(g)) {
            cpu.runAll();
            expected = out[0].value().toDoubleArray();
        }
        for (boolean withTestKernels : new boolean[] {true, false}) {
            double[][] got = new double[1][];
            List<String> warnings = warningsWhile(() -> {
                TapeMachine.Builder b = TapeMachine.builder(g).useCuda();
                if (withTestKernels) {
                    // A kernel source is there, so the engine itself is what fails to open.
                    b.cudaKernels(new TableKernelSource());
                }
                try (TapeMachine m = b.build()) {
                    assertFalse(m.usesCuda());
                    assertEquals(0, m.cudaKernelCount());
                    m.runAll();
                    m.runAll();
                    assertEquals(0, m.copiesToDevice());
                    got[0] = out[0].value().toDoubleArray();
                }
            });
            assertArrayEquals(expected, got[0]);
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("runs on the CPU") && warnings.get(0).contains("CUDA unavailable"),
                    warnings.get(0));
        }
    }

    @Test
    void useCudaForWithoutAGpuAlsoFallsBack() {
        assumeNoGpu();
        Node[] out = new Node[1];
        Graph g = graph(out);
        List<String> warnings = warningsWhile(() -> {
            try (TapeMachine m = TapeMachine.builder(g).useCudaFor("tanh", "sigmoid").cudaKernels(new TableKernelSource())
                    .build()) {
                m.runAll();
                assertFalse(m.usesCuda());
            }
        });
        assertEquals(1, warnings.size(), warnings.toString());
    }

    @Test
    void requireCudaWithoutAGpuIsAClearException() {
        assumeNoGpu();
        Node[] out = new Node[1];
        Graph g = graph(out);
        List<String> warnings = warningsWhile(() -> {
            CudaUnavailableException e = assertThrows(CudaUnavailableException.class,
                    () -> TapeMachine.builder(g).requireCuda().cudaKernels(new TableKernelSource()).build());
            String m = e.getMessage();
            assertTrue(m.startsWith("requireCuda(): CUDA unavailable: "), m);
            assertTrue(m.contains("driver") || m.contains("device") || m.contains("native"), m);
        });
        assertEquals(List.of(), warnings, "an exception, not a log line");
    }

    @Test
    void openingAnEngineWithoutAGpuThrowsTheSameReason() {
        assumeNoGpu();
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class, () -> Cuda.open(new TableKernelSource()));
        assertEquals(Cuda.probe().get(), e.getMessage());
    }

    @Test
    void cpuOnlyMachinesNeverLoadJCuda() throws Exception {
        // A fresh JVM, so that other tests asking for CUDA do not load JCuda first.
        String javaExe = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(javaExe, "-verbose:class", "-cp", System.getProperty("java.class.path"),
                CpuOnlyProgram.class.getName()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), output);
        assertTrue(output.contains("dev.gradus.vm.TapeMachine "), "the program ran a TapeMachine");
        assertFalse(output.contains("jcuda."), "a JCuda class was loaded:\n" + output.lines()
                .filter(l -> l.contains("jcuda.")).findFirst().orElse(""));
        assertFalse(output.contains("dev.gradus.cuda.JCudaEngine"), "the JCuda engine was loaded");
    }

    /** Builds and runs a CPU-only TapeMachine over elementwise ops. */
    static final class CpuOnlyProgram {
        public static void main(String[] args) {
            Node[] out = new Node[1];
            Graph g = graph(out);
            try (TapeMachine m = TapeMachine.of(g)) {
                m.runAll();
            }
            if (!(out[0].value().get(0) > 0)) {
                throw new AssertionError("wrong value");
            }
        }
    }

    @Test
    void theCatalogNamesTheElementwiseOps() {
        assertTrue(Cuda.opNames(null).containsAll(List.of("sigmoid", "tanh", "add", "mul", "gtMask", "leakyRelu")));
        assertFalse(Cuda.opNames(null).contains("matMul"));
        assertFalse(Cuda.opNames(new TableKernelSource("erf")).contains("erf"));
        assertEquals(DType.FLOAT32, Cuda.elementwiseOps().stream().filter(op -> op.name().equals("sigmoid")).findFirst()
                .map(op -> DType.FLOAT32).orElseThrow());
    }
}
