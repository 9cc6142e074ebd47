package dev.gradus.cuda;

import static dev.gradus.Ops.exp;
import static dev.gradus.Ops.neg;
import static dev.gradus.Ops.sigmoid;
import static dev.gradus.Ops.sin;
import static dev.gradus.Ops.tanh;

import dev.gradus.graph.Graph;
import dev.gradus.graph.Node;
import dev.gradus.op.Op;
import dev.gradus.op.UnaryOps;
import dev.gradus.tensor.DType;
import dev.gradus.tensor.Tensor;
import dev.gradus.vm.TapeMachine;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Gorgonia's BenchmarkOneMil / OneMilCUDA in our terms, runnable with a plain
 * {@code java -cp} on the GPU machine (no JMH): sigmoid over 1M float32 (kernel time by CUDA
 * events, time with the copies in and out), a device-resident chain of 5 elementwise ops
 * fused into one kernel against 5 kernels, the same through the TapeMachine, and the CPU
 * TapeMachine's time. Prints a table; with an argument, also writes it to that file.
 */
public final class CudaBenchmark {
    private static final int N = 1 << 20;
    private static final List<Op> CHAIN = List.of(UnaryOps.NEG, UnaryOps.EXP, UnaryOps.SIN, UnaryOps.TANH, UnaryOps.SIGMOID);

    private CudaBenchmark() {
    }

    /** Runs the benchmark; {@code args[0]}, if given, is a file to write the table to. */
    public static void main(String[] args) throws IOException {
        List<String[]> rows = new ArrayList<>();
        Random rnd = new Random(1);
        float[] data = new float[N];
        for (int i = 0; i < N; i++) {
            data[i] = (float) (rnd.nextGaussian() * 2);
        }
        Tensor x = Tensor.of(data, N);
        KernelSource kernels = Cuda.defaultKernels();
        String device;
        try (CudaEngine engine = Cuda.open(kernels)) {
            device = engine.deviceName();
            DeviceArray in = engine.allocate(DType.FLOAT32, N);
            DeviceArray out = engine.allocate(DType.FLOAT32, N);
            Tensor host = Tensor.zeros(DType.FLOAT32, N);
            engine.toDevice(x, in);
            KernelLaunch sigmoid = engine.prepare(new KernelSpec("sigmoid_f32", List.of(KernelSpec.InputKind.ARRAY),
                    List.of(KernelSpec.Step.of(UnaryOps.SIGMOID, 0))), DType.FLOAT32, out, List.of(in), N);
            rows.add(row("sigmoid 1M f32, kernel only (CUDA events)", perCall(engine, sigmoid::launch, 200)));
            rows.add(row("sigmoid 1M f32, copy in + kernel + copy out (events, pinned staging)", perCall(engine, () -> {
                engine.toDevice(x, in);
                sigmoid.launch();
                engine.toHost(out, host);
            }, 50)));
            rows.add(row("sigmoid 1M f32, copy in + kernel + copy out (wall clock)", wallPerCall(() -> {
                engine.toDevice(x, in);
                sigmoid.launch();
                engine.toHost(out, host);
            }, 50)));
            List<KernelSpec.Step> steps = new ArrayList<>();
            for (int k = 0; k < CHAIN.size(); k++) {
                steps.add(KernelSpec.Step.of(CHAIN.get(k), k));
            }
            KernelLaunch fused = engine.prepare(new KernelSpec("fused_chain_f32", List.of(KernelSpec.InputKind.ARRAY), steps),
                    DType.FLOAT32, out, List.of(in), N);
            List<KernelLaunch> unfused = new ArrayList<>();
            for (int k = 0; k < CHAIN.size(); k++) {
                unfused.add(engine.prepare(new KernelSpec(CHAIN.get(k).name() + "_f32", List.of(KernelSpec.InputKind.ARRAY),
                        List.of(KernelSpec.Step.of(CHAIN.get(k), 0))), DType.FLOAT32, out, List.of(k == 0 ? in : out), N));
            }
            rows.add(row("5-op chain 1M f32 on the device, fused: 1 kernel (events)", perCall(engine, fused::launch, 200)));
            rows.add(row("5-op chain 1M f32 on the device, unfused: 5 kernels (events)", perCall(engine, () -> {
                for (KernelLaunch l : unfused) {
                    l.launch();
                }
            }, 200)));
        }
        Graph g = new Graph();
        Node xn = g.input("x", x);
        sigmoid(xn);
        Graph g5 = new Graph();
        Node x5 = g5.input("x", x);
        sigmoid(tanh(sin(exp(neg(x5)))));
        rows.add(row("TapeMachine sigmoid 1M f32, GPU, with copies (wall)", machine(g, true, true, 50)));
        rows.add(row("TapeMachine 5-op chain 1M f32, GPU fused, with copies (wall)", machine(g5, true, true, 50)));
        rows.add(row("TapeMachine 5-op chain 1M f32, GPU unfused, with copies (wall)", machine(g5, true, false, 50)));
        rows.add(row("TapeMachine sigmoid 1M f32, CPU Java (wall)", machine(g, false, false, 30)));
        rows.add(row("TapeMachine 5-op chain 1M f32, CPU Java (wall)", machine(g5, false, false, 10)));

        StringBuilder sb = new StringBuilder();
        sb.append("device: ").append(device).append(", java ").append(System.getProperty("java.version")).append('\n');
        sb.append(String.format("%-72s %12s%n", "case", "ms per call"));
        for (String[] r : rows) {
            sb.append(String.format("%-72s %12s%n", r[0], r[1]));
        }
        PrintStream stdout = System.out;
        stdout.print(sb);
        if (args.length > 0) {
            Files.writeString(Path.of(args[0]), sb.toString(), StandardCharsets.UTF_8);
        }
    }

    private static String[] row(String name, double millis) {
        return new String[] {name, String.format("%.4f", millis)};
    }

    private static double perCall(CudaEngine engine, Runnable work, int reps) {
        for (int i = 0; i < 10; i++) {
            work.run();
        }
        engine.synchronize();
        float ms = engine.elapsedMillis(() -> {
            for (int i = 0; i < reps; i++) {
                work.run();
            }
        });
        return ms / reps;
    }

    private static double wallPerCall(Runnable work, int reps) {
        for (int i = 0; i < 10; i++) {
            work.run();
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            work.run();
        }
        return (System.nanoTime() - t0) / 1e6 / reps;
    }

    private static double machine(Graph g, boolean gpu, boolean fuse, int reps) {
        TapeMachine.Builder b = TapeMachine.builder(g);
        if (gpu) {
            b.useCuda().requireCuda().fuseKernels(fuse);
        }
        try (TapeMachine m = b.build()) {
            return wallPerCall(m::runAll, reps);
        }
    }
}
