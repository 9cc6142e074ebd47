package dev.gradus.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gradus.op.BinaryOp;
import dev.gradus.op.BinaryOps;
import dev.gradus.op.Comparison;
import dev.gradus.op.Op;
import dev.gradus.op.UnaryOp;
import dev.gradus.op.UnaryOps;
import dev.gradus.tensor.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every kernel's per-element program through the {@link IrInterpreter} (the GPU's
 * instruction semantics) and compares it with the op's CPU scalar form over a sweep of
 * inputs: edge values, every binade, and the special cases of Java's Math.
 */
class DeviceMathAccuracyTest {
    private static final PtxKernels KERNELS = new PtxKernels();

    static Stream<UnaryOp> unaryOps() {
        return UnaryOps.all().stream().filter(KERNELS::supports);
    }

    static Stream<Op> binaryOps() {
        List<Op> ops = new ArrayList<>(BinaryOps.all());
        for (Comparison.Kind kind : Comparison.Kind.values()) {
            ops.add(Comparison.of(kind));
        }
        return ops.stream().filter(KERNELS::supports);
    }

    private static IrInterpreter interpreter(Op op, DType dtype) {
        List<KernelSpec.InputKind> inputs = new ArrayList<>();
        List<Integer> args = new ArrayList<>();
        for (int k = 0; k < op.arity(); k++) {
            inputs.add(KernelSpec.InputKind.ARRAY);
            args.add(k);
        }
        KernelSpec spec = new KernelSpec("k", inputs, List.of(new KernelSpec.Step(op, args)));
        return new IrInterpreter(PtxKernels.program(spec, dtype));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unaryOps")
    void unaryFloat64WithinOneInTenToTheFourteen(UnaryOp op) {
        IrInterpreter run = interpreter(op, DType.FLOAT64);
        DoubleUnaryOperator f = op.scalarForm();
        Failures failures = new Failures(op.name() + " float64");
        for (double x : Accuracy.sweep(op.name().hashCode(), 8_000)) {
            double want = f.applyAsDouble(x);
            double got = run.run(x);
            failures.note(Accuracy.check64(want, got), "x=" + x, want, got);
        }
        failures.assertNone();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unaryOps")
    void unaryFloat32WithinTwoUlp(UnaryOp op) {
        IrInterpreter run = interpreter(op, DType.FLOAT32);
        DoubleUnaryOperator f = op.scalarForm();
        Failures failures = new Failures(op.name() + " float32");
        for (double v : Accuracy.sweep(op.name().hashCode() + 1, 5_000)) {
            float x = (float) v;
            float want = (float) f.applyAsDouble(x);
            float got = (float) run.run(x);
            failures.note(Accuracy.check32(want, got), "x=" + x, want, got);
        }
        // Every float near 0 and 1, where the relative contract is hardest.
        for (int bits = 0; bits < 1024; bits++) {
            for (float x : new float[] {Float.intBitsToFloat(bits), Float.intBitsToFloat(0x3F80_0000 + bits),
                Float.intBitsToFloat(0x3F7F_F000 + bits), -Float.intBitsToFloat(0x3F80_0000 + bits)}) {
                float want = (float) f.applyAsDouble(x);
                float got = (float) run.run(x);
                failures.note(Accuracy.check32(want, got), "x=" + x, want, got);
            }
        }
        failures.assertNone();
    }

    /** x values and y values whose pairs cover pow's special cases and ordinary ranges. */
    private static double[][] binaryPairs(long seed, int randomCount) {
        List<Double> edges = new ArrayList<>(List.of(3.0, 5.0, 0.5, 1.5, 2.5, 1e10, 0x1p53, 0x1p53 + 2, 1e300, 1e-300,
                0x1p-1074, 1023.0, 1024.0, 1074.0, 1075.0));
        edges.addAll(Accuracy.edgeValues());
        List<double[]> pairs = new ArrayList<>();
        for (double x : edges) {
            for (double y : edges) {
                pairs.add(new double[] {x, y});
            }
        }
        Random rnd = new Random(seed);
        for (int k = 0; k < randomCount; k++) {
            double x;
            double y;
            switch (k % 4) {
                case 0 -> {
                    x = Double.longBitsToDouble(rnd.nextLong());
                    y = Double.longBitsToDouble(rnd.nextLong());
                }
                case 1 -> {
                    x = rnd.nextDouble() * 10;
                    y = (rnd.nextDouble() * 2 - 1) * 300;
                }
                case 2 -> {
                    // Results across the whole range, up to overflow and into the subnormals.
                    x = Math.scalb(rnd.nextDouble() + 0.5, rnd.nextInt(2000) - 1000);
                    y = (rnd.nextDouble() * 2 - 1) * 1100 / Math.max(1, Math.abs(Math.log(x)));
                }
                default -> {
                    x = (rnd.nextDouble() * 2 - 1) * 20;
                    y = rnd.nextInt(41) - 20;
                }
            }
            pairs.add(new double[] {x, y});
        }
        return pairs.toArray(new double[0][]);
    }

    private static DoubleBinaryOperator scalarForm(Op op) {
        return op instanceof BinaryOp b ? b.scalarForm() : ((Comparison) op).scalarForm();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("binaryOps")
    void binaryFloat64WithinOneInTenToTheFourteen(Op op) {
        IrInterpreter run = interpreter(op, DType.FLOAT64);
        DoubleBinaryOperator f = scalarForm(op);
        Failures failures = new Failures(op.name() + " float64");
        for (double[] p : binaryPairs(op.name().hashCode(), 6_000)) {
            double want = f.applyAsDouble(p[0], p[1]);
            double got = run.run(p[0], p[1]);
            String why = Accuracy.check64(want, got);
            // Exactly rounded operations must match bit for bit.
            if (why == null && op != BinaryOps.POW && Double.doubleToLongBits(want) != Double.doubleToLongBits(got)) {
                why = "not bit-exact";
            }
            failures.note(why, "x=" + p[0] + " y=" + p[1], want, got);
        }
        failures.assertNone();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("binaryOps")
    void binaryFloat32WithinTwoUlp(Op op) {
        IrInterpreter run = interpreter(op, DType.FLOAT32);
        DoubleBinaryOperator f = scalarForm(op);
        Failures failures = new Failures(op.name() + " float32");
        for (double[] p : binaryPairs(op.name().hashCode() + 1, 4_000)) {
            float x = (float) p[0];
            float y = (float) p[1];
            float want = (float) f.applyAsDouble(x, y);
            float got = (float) run.run(x, y);
            String why = Accuracy.check32(want, got);
            if (why == null && op != BinaryOps.POW && Float.floatToIntBits(want) != Float.floatToIntBits(got)) {
                why = "not bit-exact";
            }
            failures.note(why, "x=" + x + " y=" + y, want, got);
        }
        failures.assertNone();
    }

    @Test
    void minAndMaxFollowJavaOnZerosAndNaN() {
        IrInterpreter min = interpreter(BinaryOps.MIN_BETWEEN, DType.FLOAT64);
        IrInterpreter max = interpreter(BinaryOps.MAX_BETWEEN, DType.FLOAT64);
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(min.run(0.0, -0.0)));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(min.run(-0.0, 0.0)));
        assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(max.run(-0.0, 0.0)));
        assertTrue(Double.isNaN(min.run(Double.NaN, 1)));
        assertTrue(Double.isNaN(max.run(1, Double.NaN)));
    }

    @Test
    void notEqualHoldsForNaNAndOtherComparisonsDoNot() {
        for (Comparison.Kind kind : Comparison.Kind.values()) {
            IrInterpreter run = interpreter(Comparison.of(kind).mask(), DType.FLOAT32);
            assertEquals(kind == Comparison.Kind.NE ? 1.0 : 0.0, run.run(Double.NaN, 1), kind.name());
            assertEquals(kind == Comparison.Kind.NE ? 1.0 : 0.0, run.run(Double.NaN, Double.NaN), kind.name());
        }
    }

    /** Collects failures and reports the first few with the count. */
    static final class Failures {
        private final String what;
        private final List<String> lines = new ArrayList<>();
        private int count;

        Failures(String what) {
            this.what = what;
        }

        void note(String why, String input, double want, double got) {
            if (why == null) {
                return;
            }
            count++;
            if (lines.size() < 8) {
                lines.add(input + ": want " + want + ", got " + got + " (" + why + ")");
            }
        }

        void assertNone() {
            if (count > 0) {
                fail(what + ": " + count + " inputs outside the contract, e.g.\n  " + String.join("\n  ", lines));
            }
        }
    }
}
