package dev.gradus.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.cuda.KernelSpec.InputKind;
import dev.gradus.cuda.KernelSpec.Step;
import dev.gradus.op.BinaryOps;
import dev.gradus.op.Comparison;
import dev.gradus.op.Op;
import dev.gradus.op.UnaryOps;
import dev.gradus.tensor.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The kernel table, the module layout, fused chains and the errors on bad specs. */
class PtxKernelsTest {
    private static final PtxKernels KERNELS = new PtxKernels();

    /** The ops issue 5 requires (Gorgonia's CUDA set and more). */
    private static final List<Op> REQUIRED = List.of(UnaryOps.COS, UnaryOps.SIN, UnaryOps.EXP, UnaryOps.LOG,
            UnaryOps.LOG2, UnaryOps.SQRT, UnaryOps.TANH, UnaryOps.LOG1P, UnaryOps.EXPM1, UnaryOps.ABS, UnaryOps.CEIL,
            UnaryOps.FLOOR, UnaryOps.SIGN, UnaryOps.SQUARE, UnaryOps.CUBE, UnaryOps.NEG, UnaryOps.INVERSE,
            UnaryOps.INVERSE_SQRT, UnaryOps.SOFTPLUS, UnaryOps.SIGMOID, UnaryOps.RELU, BinaryOps.ADD, BinaryOps.SUB,
            BinaryOps.MUL, BinaryOps.DIV, BinaryOps.POW, BinaryOps.MIN_BETWEEN, BinaryOps.MAX_BETWEEN, Comparison.LT,
            Comparison.GT, Comparison.LTE, Comparison.GTE, Comparison.EQ, Comparison.NE, Comparison.LT.mask(),
            Comparison.GT.mask(), Comparison.LTE.mask(), Comparison.GTE.mask(), Comparison.EQ.mask(),
            Comparison.NE.mask());

    @Test
    void tableCoversTheRequiredOpsAndReportsTheRest() {
        for (Op op : REQUIRED) {
            assertTrue(KERNELS.supports(op), op.name() + " has no CUDA kernel");
        }
        List<Op> table = new ArrayList<>(UnaryOps.all());
        table.addAll(BinaryOps.all());
        Set<String> without = new TreeSet<>();
        Set<String> with = new TreeSet<>();
        for (Op op : table) {
            (KERNELS.supports(op) ? with : without).add(op.name());
        }
        // The exact split, so that a kernel added or lost shows up here.
        assertEquals(new TreeSet<>(List.of("acos", "asin", "atan", "atan2", "cbrt", "elu", "erf", "gelu", "hypot")),
                without);
        assertEquals(34, with.size(), with.toString());
        assertFalse(KERNELS.supports(null));
    }

    @Test
    void reductionConstantsMatchThePublishedDigits() {
        // fdlibm's two_over_pi table (A2F983 6E4E44 1529FC …) regrouped into 64-bit words.
        assertEquals(0L, TwoOverPi.WORDS[0]);
        assertEquals(0xA2F9836E4E441529L, TwoOverPi.WORDS[1]);
        assertEquals(0xFC2757D1F534DDC0L, TwoOverPi.WORDS[2]);
        assertEquals(0xDB6295993C439041L, TwoOverPi.WORDS[3]);
        assertEquals(Math.PI / 2, TwoOverPi.PIO2_1);
        assertEquals(6.123233995736766e-17, TwoOverPi.PIO2_2);
        assertTrue(Math.abs(TwoOverPi.PIO2_3) < 0x1p-105 && TwoOverPi.PIO2_3 != 0);
    }

    @Test
    void unsupportedOpIsAClearError() {
        KernelSpec spec = new KernelSpec("k", List.of(InputKind.ARRAY), List.of(Step.of(UnaryOps.EXP, 0),
                Step.of(UnaryOps.ERF, 1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KERNELS.module(spec, DType.FLOAT32));
        assertTrue(e.getMessage().contains("step 1: op erf has no CUDA kernel"), e.getMessage());
    }

    @Test
    void nonFloatDTypeIsAClearError() {
        KernelSpec spec = new KernelSpec("k", List.of(InputKind.ARRAY), List.of(Step.of(UnaryOps.EXP, 0)));
        for (DType dtype : List.of(DType.INT32, DType.BOOL)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KERNELS.module(spec, dtype));
            assertTrue(e.getMessage().contains("dtype " + dtype + " is not supported"), e.getMessage());
        }
        assertThrows(NullPointerException.class, () -> KERNELS.module(spec, null));
    }

    @Test
    void reservedEntryNameIsAClearError() {
        KernelSpec spec = new KernelSpec(PtxEmitter.TABLE_NAME, List.of(InputKind.ARRAY),
                List.of(Step.of(UnaryOps.SIN, 0)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KERNELS.module(spec, DType.FLOAT64));
        assertTrue(e.getMessage().contains("reserved"), e.getMessage());
    }

    @Test
    void parametersComeInTheContractOrder() {
        KernelSpec spec = new KernelSpec("sub_sv", List.of(InputKind.SCALAR, InputKind.ARRAY),
                List.of(Step.of(BinaryOps.SUB, 0, 1)));
        for (DType dtype : List.of(DType.FLOAT32, DType.FLOAT64)) {
            String t = dtype == DType.FLOAT32 ? "f32" : "f64";
            String module = KERNELS.module(spec, dtype);
            List<String> params = new ArrayList<>();
            Matcher m = Pattern.compile("\\.param \\.(\\w+) (\\w+)").matcher(module);
            while (m.find()) {
                params.add(m.group(1) + " " + m.group(2));
            }
            assertEquals(List.of("u64 sub_sv_out", t + " sub_sv_in0", "u64 sub_sv_in1", "u64 sub_sv_n"), params);
            assertTrue(module.startsWith("// Generated") && module.contains("\n.version 6.0\n.target sm_50\n"
                    + ".address_size 64\n"), module);
            assertTrue(module.contains("ld.param." + t + " %gv0, [sub_sv_in0]"), "scalar passed by value");
            assertTrue(module.contains("ld.global." + t + " %gv1, [%gaddr]"), "array read in the loop");
            assertTrue(module.contains("st.global." + t + " [%gaddr]"));
            // Grid-stride loop.
            assertTrue(module.contains("mul.wide.u32 %gstride, %gnctaid, %gntid")
                    && module.contains("add.u64 %gi, %gi, %gstride"), module);
        }
    }

    @Test
    void modulesCarryTheTableOnlyWhenReductionNeedsIt() {
        KernelSpec exp = new KernelSpec("e", List.of(InputKind.ARRAY), List.of(Step.of(UnaryOps.EXP, 0)));
        KernelSpec sin = new KernelSpec("s", List.of(InputKind.ARRAY), List.of(Step.of(UnaryOps.SIN, 0)));
        assertFalse(KERNELS.module(exp, DType.FLOAT32).contains(PtxEmitter.TABLE_NAME));
        assertTrue(KERNELS.module(sin, DType.FLOAT32).contains(PtxEmitter.TABLE_NAME));
        assertFalse(KERNELS.module(exp, DType.FLOAT32).contains("sin"));
    }

    @Test
    void generationIsDeterministic() {
        for (KernelSpec spec : SampleKernels.fused()) {
            assertEquals(KERNELS.module(spec, DType.FLOAT64), new PtxKernels().module(spec, DType.FLOAT64));
        }
    }

    @Test
    void scalarOperandsKeepTheirPosition() {
        // sub as scalar-vector is s − x, as vector-scalar x − s: the program reads operands by number.
        KernelSpec sv = new KernelSpec("sv", List.of(InputKind.SCALAR, InputKind.ARRAY),
                List.of(Step.of(BinaryOps.SUB, 0, 1)));
        KernelSpec vs = new KernelSpec("vs", List.of(InputKind.ARRAY, InputKind.SCALAR),
                List.of(Step.of(BinaryOps.SUB, 0, 1)));
        KernelSpec swapped = new KernelSpec("sw", List.of(InputKind.SCALAR, InputKind.ARRAY),
                List.of(Step.of(BinaryOps.DIV, 1, 0)));
        assertEquals(10 - 3, new IrInterpreter(PtxKernels.program(sv, DType.FLOAT64)).run(10, 3));
        assertEquals(10 - 3, new IrInterpreter(PtxKernels.program(vs, DType.FLOAT64)).run(10, 3));
        assertEquals(3 / 10.0, new IrInterpreter(PtxKernels.program(swapped, DType.FLOAT64)).run(10, 3));
    }

    /**
     * sigmoid(a·x + b): float64 fused equals the CPU's op-by-op chain within the contract;
     * float32 fused is the double chain rounded once (within 2 ulp), and differs from the
     * float32 CPU chain, which rounds a·x and a·x + b to float, by no more than those two
     * roundings can move sigmoid: |Δσ/σ| ≤ (1 − σ)·|Δz| ≤ 2^−24·(|a·x| + |z|), plus 2 ulp.
     */
    @Test
    void fusedSigmoidOfAffineMatchesTheStepByStepChain() {
        IrInterpreter f64 = new IrInterpreter(PtxKernels.program(SampleKernels.SIGMOID_AFFINE, DType.FLOAT64));
        IrInterpreter f32 = new IrInterpreter(PtxKernels.program(SampleKernels.SIGMOID_AFFINE, DType.FLOAT32));
        Random rnd = new Random(5);
        double worstUlpsVsFloatChain = 0;
        for (int k = 0; k < 20_000; k++) {
            double x = (rnd.nextDouble() * 2 - 1) * (k % 2 == 0 ? 4 : 60);
            double a = rnd.nextDouble() * 4 - 2;
            double b = rnd.nextDouble() * 10 - 5;
            double chain = UnaryOps.SIGMOID.apply(BinaryOps.ADD.apply(BinaryOps.MUL.apply(a, x), b));
            assertEquals(null, Accuracy.check64(chain, f64.run(x, a, b)), "x=" + x + " a=" + a + " b=" + b);

            float xf = (float) x;
            float af = (float) a;
            float bf = (float) b;
            float fused = (float) f32.run(xf, af, bf);
            float doubleChain = (float) UnaryOps.SIGMOID.apply((double) af * xf + bf);
            assertEquals(null, Accuracy.check32(doubleChain, fused), "x=" + xf + " a=" + af + " b=" + bf);
            float ax = (float) BinaryOps.MUL.apply(af, xf);
            float z = (float) BinaryOps.ADD.apply(ax, bf);
            float floatChain = (float) UnaryOps.SIGMOID.apply(z);
            double bound = 0x1p-24 * (Math.abs(ax) + Math.abs(z)) * Math.abs(floatChain)
                    + 2 * Math.ulp(floatChain);
            assertTrue(Math.abs(fused - floatChain) <= bound,
                    "x=" + xf + " a=" + af + " b=" + bf + ": fused " + fused + ", float chain " + floatChain);
            worstUlpsVsFloatChain = Math.max(worstUlpsVsFloatChain, Math.abs(fused - floatChain) / Math.ulp(floatChain));
        }
        // The bound is not vacuous: rounding the intermediates does move some results.
        assertTrue(worstUlpsVsFloatChain >= 1, "fused and float chains never differed");
    }

    /** tanh(exp(−x²)·y) and mask(x &lt; y)·sin x + pow(|y|, s) against their CPU chains in double. */
    @Test
    void fusedLongerChainsMatchTheStepByStepChain() {
        IrInterpreter five = new IrInterpreter(PtxKernels.program(SampleKernels.FIVE_OPS, DType.FLOAT64));
        IrInterpreter five32 = new IrInterpreter(PtxKernels.program(SampleKernels.FIVE_OPS, DType.FLOAT32));
        IrInterpreter trig = new IrInterpreter(PtxKernels.program(SampleKernels.TRIG_POW, DType.FLOAT64));
        IrInterpreter trig32 = new IrInterpreter(PtxKernels.program(SampleKernels.TRIG_POW, DType.FLOAT32));
        Random rnd = new Random(7);
        for (int k = 0; k < 10_000; k++) {
            double x = (rnd.nextDouble() * 2 - 1) * 3;
            double y = (rnd.nextDouble() * 2 - 1) * 5;
            double s = rnd.nextDouble() * 4 - 2;
            double fiveChain = fiveChain(x, y);
            assertEquals(null, Accuracy.check64(fiveChain, five.run(x, y)), "x=" + x + " y=" + y);
            float xf = (float) x;
            float yf = (float) y;
            float sf = (float) s;
            assertEquals(null, Accuracy.check32((float) fiveChain(xf, yf), (float) five32.run(xf, yf)),
                    "x=" + xf + " y=" + yf);
            double trigChain = trigChain(x, y, s);
            String why = Accuracy.check64(trigChain, trig.run(x, y, s));
            // The sum may cancel: compare its error with the terms' size instead.
            if (why != null) {
                double scale = Math.abs(Math.sin(x)) + Math.abs(Math.pow(Math.abs(y), s));
                why = Math.abs(trig.run(x, y, s) - trigChain) <= 1e-14 * scale ? null : why;
            }
            assertEquals(null, why, "x=" + x + " y=" + y + " s=" + s);
            float trig32Want = (float) trigChain(xf, yf, sf);
            float trig32Got = (float) trig32.run(xf, yf, sf);
            double terms = Math.abs(Math.sin(xf)) + Math.abs(Math.pow(Math.abs(yf), sf));
            assertTrue(Accuracy.check32(trig32Want, trig32Got) == null
                    || Math.abs(trig32Got - trig32Want) <= 2 * Math.ulp((float) terms), "x=" + xf + " y=" + yf);
        }
    }

    private static double fiveChain(double x, double y) {
        double v = UnaryOps.SQUARE.apply(x);
        v = UnaryOps.NEG.apply(v);
        v = UnaryOps.EXP.apply(v);
        v = BinaryOps.MUL.apply(v, y);
        return UnaryOps.TANH.apply(v);
    }

    private static double trigChain(double x, double y, double s) {
        double mask = Comparison.LT.mask().scalarForm().applyAsDouble(x, y);
        double product = BinaryOps.MUL.apply(mask, UnaryOps.SIN.apply(x));
        return BinaryOps.ADD.apply(product, BinaryOps.POW.apply(UnaryOps.ABS.apply(y), s));
    }
}
