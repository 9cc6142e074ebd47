package dev.gradus.cuda;

import dev.gradus.cuda.Ir.Val;
import dev.gradus.op.BinaryOps;
import dev.gradus.op.Comparison;
import dev.gradus.op.Op;
import dev.gradus.op.UnaryOps;
import dev.gradus.tensor.DType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Generates elementwise PTX kernels from the op table: each supported op has one device form
 * written in {@link Ir} (the math functions in {@link DeviceMath}), a chain of steps becomes
 * one straight-line program, and {@link PtxEmitter} writes it inside a grid-stride loop.
 *
 * <p>Both dtypes compute in double: a FLOAT32 kernel widens its inputs, evaluates the whole
 * chain in double and rounds once to float when it stores. For a single op this is what the
 * CPU does (it evaluates the double scalar form and rounds), so float32 results are within
 * 1 ulp of the CPU's; a fused float32 chain keeps its intermediates in double, where the
 * unfused CPU chain rounds each one to float, so the two agree to within the rounding the
 * CPU's intermediates add (the fused result is the more accurate one).
 *
 * <p>Modules use {@code .version 6.0} and {@code .target sm_50}, which every driver of recent
 * years loads and compiles for its card. Instances are stateless and thread-safe.
 */
public final class PtxKernels implements KernelSource {
    /** How one op computes from double operands. */
    @FunctionalInterface
    interface DeviceForm {
        Val apply(Ir b, List<Val> args);
    }

    private static final Map<Op, DeviceForm> FORMS = forms();

    /** Creates a kernel source; the op table is shared by all instances. */
    public PtxKernels() {
    }

    private static Map<Op, DeviceForm> forms() {
        Map<Op, DeviceForm> m = new LinkedHashMap<>();
        unary(m, UnaryOps.ABS, Ir::abs);
        unary(m, UnaryOps.SIGN, (b, x) -> b.select(b.por(b.eq(x, b.f(0)), b.isNaN(x)), x, b.copySign(b.f(1), x)));
        unary(m, UnaryOps.CEIL, Ir::ceil);
        unary(m, UnaryOps.FLOOR, Ir::floor);
        unary(m, UnaryOps.STEP, (b, x) -> b.select(b.gt(x, b.f(0)), b.f(1), b.select(b.isNaN(x), x, b.f(0))));
        unary(m, UnaryOps.SIN, DeviceMath::sin);
        unary(m, UnaryOps.COS, DeviceMath::cos);
        unary(m, UnaryOps.TAN, DeviceMath::tan);
        unary(m, UnaryOps.EXP, DeviceMath::exp);
        unary(m, UnaryOps.LOG, DeviceMath::log);
        unary(m, UnaryOps.LOG2, DeviceMath::log2);
        unary(m, UnaryOps.LOG10, DeviceMath::log10);
        unary(m, UnaryOps.NEG, Ir::neg);
        unary(m, UnaryOps.SQUARE, (b, x) -> b.mul(x, x));
        unary(m, UnaryOps.SQRT, Ir::sqrt);
        unary(m, UnaryOps.INVERSE, (b, x) -> b.div(b.f(1), x));
        unary(m, UnaryOps.INVERSE_SQRT, (b, x) -> b.div(b.f(1), b.sqrt(x)));
        unary(m, UnaryOps.CUBE, (b, x) -> b.mul(b.mul(x, x), x));
        unary(m, UnaryOps.SINH, DeviceMath::sinh);
        unary(m, UnaryOps.COSH, DeviceMath::cosh);
        unary(m, UnaryOps.TANH, DeviceMath::tanh);
        unary(m, UnaryOps.SIGMOID, DeviceMath::sigmoid);
        unary(m, UnaryOps.LOG1P, DeviceMath::log1p);
        unary(m, UnaryOps.EXPM1, DeviceMath::expm1);
        unary(m, UnaryOps.SOFTPLUS, DeviceMath::softplus);
        unary(m, UnaryOps.RELU, (b, x) -> b.select(b.le(x, b.f(0)), b.f(0), x));
        unary(m, UnaryOps.MISH, (b, x) -> b.mul(x, DeviceMath.tanh(b, DeviceMath.softplus(b, x))));

        binary(m, BinaryOps.ADD, Ir::add);
        binary(m, BinaryOps.SUB, Ir::sub);
        binary(m, BinaryOps.MUL, Ir::mul);
        binary(m, BinaryOps.DIV, Ir::div);
        binary(m, BinaryOps.POW, DeviceMath::pow);
        // Java's min/max: NaN wins, and −0.0 is below +0.0 (equal operands merge their bits).
        binary(m, BinaryOps.MIN_BETWEEN, (b, x, y) -> javaMinMax(b, x, y, true));
        binary(m, BinaryOps.MAX_BETWEEN, (b, x, y) -> javaMinMax(b, x, y, false));

        for (Comparison.Kind kind : Comparison.Kind.values()) {
            // NE is the one relation that holds when an operand is NaN.
            Ir.FloatTest test = switch (kind) {
                case LT -> Ir.FloatTest.LT;
                case GT -> Ir.FloatTest.GT;
                case LTE -> Ir.FloatTest.LE;
                case GTE -> Ir.FloatTest.GE;
                case EQ -> Ir.FloatTest.EQ;
                case NE -> Ir.FloatTest.NEU;
            };
            DeviceForm form = (b, args) -> b.select(b.test(test, args.get(0), args.get(1)), b.f(1), b.f(0));
            m.put(Comparison.of(kind), form);
            m.put(Comparison.of(kind).mask(), form);
        }
        return Collections.unmodifiableMap(m);
    }

    private interface Unary {
        Val apply(Ir b, Val x);
    }

    private interface Binary {
        Val apply(Ir b, Val x, Val y);
    }

    private static void unary(Map<Op, DeviceForm> m, Op op, Unary f) {
        m.put(op, (b, args) -> f.apply(b, args.get(0)));
    }

    private static void binary(Map<Op, DeviceForm> m, Op op, Binary f) {
        m.put(op, (b, args) -> f.apply(b, args.get(0), args.get(1)));
    }

    private static Val javaMinMax(Ir b, Val x, Val y, boolean min) {
        Val first = min ? b.lt(x, y) : b.gt(x, y);
        Val second = min ? b.lt(y, x) : b.gt(y, x);
        Val same = b.fromBits(min ? b.or(b.bits(x), b.bits(y)) : b.and(b.bits(x), b.bits(y)));
        Val r = b.select(first, x, b.select(second, y, same));
        return b.select(b.test(Ir.FloatTest.NAN, x, y), b.add(x, y), r);
    }

    /** Returns the ops this source has device forms for, in table order. */
    static List<Op> supportedOps() {
        return List.copyOf(FORMS.keySet());
    }

    @Override
    public boolean supports(Op op) {
        return op != null && FORMS.containsKey(op);
    }

    @Override
    public String module(KernelSpec spec, DType dtype) {
        Ir program = program(spec, dtype);
        String t = dtype == DType.FLOAT32 ? "f32" : "f64";
        int size = dtype.byteSize();
        String entry = spec.entryName();
        if (entry.equals(PtxEmitter.TABLE_NAME)) {
            throw new IllegalArgumentException("kernel entry name '" + entry + "' is reserved for the 2/pi table");
        }
        StringBuilder s = new StringBuilder(4096);
        s.append("// Generated by dev.gradus.cuda.PtxKernels: ").append(describe(spec)).append(", ")
                .append(dtype.name().toLowerCase(java.util.Locale.ROOT)).append('\n');
        s.append(".version 6.0\n.target sm_50\n.address_size 64\n\n");
        if (program.usesTable()) {
            PtxEmitter.declareTable(s);
            s.append('\n');
        }
        s.append(".visible .entry ").append(entry).append("(\n");
        s.append("\t.param .u64 ").append(entry).append("_out,\n");
        List<KernelSpec.InputKind> inputs = spec.inputs();
        for (int k = 0; k < inputs.size(); k++) {
            String type = inputs.get(k) == KernelSpec.InputKind.ARRAY ? "u64" : t;
            s.append("\t.param .").append(type).append(' ').append(entry).append("_in").append(k).append(",\n");
        }
        s.append("\t.param .u64 ").append(entry).append("_n\n)\n{\n");
        PtxEmitter.declareRegisters(program, s);
        s.append("\t.reg .b64 %gout, %gn, %gi, %gstride, %goff, %gaddr;\n");
        s.append("\t.reg .b32 %gctaid, %gntid, %gtid, %gnctaid;\n");
        s.append("\t.reg .pred %gmore;\n");
        List<String> inputRegisters = new ArrayList<>();
        for (int k = 0; k < inputs.size(); k++) {
            s.append("\t.reg .b64 %gin").append(k).append(";\n");
            s.append("\t.reg .").append(t).append(" %gv").append(k).append(";\n");
            inputRegisters.add("%gv" + k);
        }
        s.append("\tld.param.u64 %gout, [").append(entry).append("_out];\n");
        s.append("\tcvta.to.global.u64 %gout, %gout;\n");
        for (int k = 0; k < inputs.size(); k++) {
            if (inputs.get(k) == KernelSpec.InputKind.ARRAY) {
                s.append("\tld.param.u64 %gin").append(k).append(", [").append(entry).append("_in").append(k).append("];\n");
                s.append("\tcvta.to.global.u64 %gin").append(k).append(", %gin").append(k).append(";\n");
            } else {
                s.append("\tld.param.").append(t).append(" %gv").append(k).append(", [").append(entry).append("_in")
                        .append(k).append("];\n");
            }
        }
        s.append("\tld.param.u64 %gn, [").append(entry).append("_n];\n");
        s.append("\tmov.u32 %gctaid, %ctaid.x;\n\tmov.u32 %gntid, %ntid.x;\n\tmov.u32 %gtid, %tid.x;\n");
        s.append("\tmov.u32 %gnctaid, %nctaid.x;\n");
        s.append("\tmul.wide.u32 %gi, %gctaid, %gntid;\n\tcvt.u64.u32 %goff, %gtid;\n\tadd.u64 %gi, %gi, %goff;\n");
        s.append("\tmul.wide.u32 %gstride, %gnctaid, %gntid;\n");
        s.append("\tsetp.ge.u64 %gmore, %gi, %gn;\n\t@%gmore bra DONE;\nLOOP:\n");
        s.append("\tshl.b64 %goff, %gi, ").append(size == 4 ? 2 : 3).append(";\n");
        for (int k = 0; k < inputs.size(); k++) {
            if (inputs.get(k) == KernelSpec.InputKind.ARRAY) {
                s.append("\tadd.u64 %gaddr, %gin").append(k).append(", %goff;\n");
                s.append("\tld.global.").append(t).append(" %gv").append(k).append(", [%gaddr];\n");
            }
        }
        PtxEmitter.emit(program, inputRegisters, s);
        s.append("\tadd.u64 %gaddr, %gout, %goff;\n");
        s.append("\tst.global.").append(t).append(" [%gaddr], ").append(PtxEmitter.name(program.result())).append(";\n");
        s.append("\tadd.u64 %gi, %gi, %gstride;\n\tsetp.lt.u64 %gmore, %gi, %gn;\n\t@%gmore bra LOOP;\n");
        s.append("DONE:\n\tret;\n}\n");
        return s.toString();
    }

    /**
     * Builds the per-element program of a kernel: the same program {@link #module} emits,
     * which {@link IrInterpreter} runs in the tests.
     */
    static Ir program(KernelSpec spec, DType dtype) {
        java.util.Objects.requireNonNull(spec, "spec");
        java.util.Objects.requireNonNull(dtype, "dtype");
        if (dtype != DType.FLOAT32 && dtype != DType.FLOAT64) {
            throw new IllegalArgumentException("kernel " + spec.entryName() + ": dtype " + dtype
                    + " is not supported on CUDA; kernels are generated for float32 and float64");
        }
        for (int k = 0; k < spec.steps().size(); k++) {
            Op op = spec.steps().get(k).op();
            if (!FORMS.containsKey(op)) {
                throw new IllegalArgumentException("kernel " + spec.entryName() + ", step " + k + ": op " + op.name()
                        + " has no CUDA kernel; supported ops: " + supportedNames());
            }
        }
        Ir.Type type = dtype == DType.FLOAT32 ? Ir.Type.F32 : Ir.Type.F64;
        Ir b = new Ir(Collections.nCopies(spec.inputs().size(), type));
        List<Val> operands = new ArrayList<>();
        for (int k = 0; k < spec.inputs().size(); k++) {
            Val v = b.input(k);
            operands.add(type == Ir.Type.F32 ? b.toF64(v) : v);
        }
        for (KernelSpec.Step step : spec.steps()) {
            List<Val> args = new ArrayList<>();
            for (int a : step.args()) {
                args.add(operands.get(a));
            }
            operands.add(FORMS.get(step.op()).apply(b, args));
        }
        Val last = operands.get(operands.size() - 1);
        b.setResult(type == Ir.Type.F32 ? b.toF32(last) : last);
        return b;
    }

    private static String supportedNames() {
        List<String> names = new ArrayList<>();
        for (Op op : FORMS.keySet()) {
            if (!names.contains(op.name())) {
                names.add(op.name());
            }
        }
        return String.join(", ", names);
    }

    private static String describe(KernelSpec spec) {
        List<String> names = new ArrayList<>();
        for (int k = 0; k < spec.inputs().size(); k++) {
            names.add((spec.inputs().get(k) == KernelSpec.InputKind.ARRAY ? "in" : "scalar") + k);
        }
        for (KernelSpec.Step step : spec.steps()) {
            List<String> args = new ArrayList<>();
            for (int a : step.args()) {
                args.add(names.get(a));
            }
            names.add(step.op().format(args));
        }
        return names.get(names.size() - 1).replace('\n', ' ');
    }
}
