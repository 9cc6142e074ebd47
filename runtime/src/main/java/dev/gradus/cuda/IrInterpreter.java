package dev.gradus.cuda;

import java.util.List;

/**
 * Executes an {@link Ir} program on the CPU with the semantics PTX gives each instruction
 * (IEEE round-to-nearest double arithmetic, a single-rounding fma, shift amounts clamped at
 * 64, PTX min/max returning the non-NaN operand), so that what it computes is what the GPU
 * computes. It exists to test the device math on machines without a GPU.
 */
final class IrInterpreter {
    private final Ir program;
    private final Ir.Insn[] insns;
    private final long[] registers;

    /** Prepares to run {@code program}; an interpreter is not thread-safe. */
    IrInterpreter(Ir program) {
        this.program = program;
        this.insns = program.instructions().toArray(new Ir.Insn[0]);
        this.registers = new long[program.registerCount()];
    }

    /**
     * Runs the program on one element.
     *
     * @param inputs one value per program input; F32 inputs are first rounded to float, as
     *     the kernel reads them from float memory
     * @return the result, widened to double when it is F32
     */
    double run(double... inputs) {
        if (inputs.length != program.inputTypes().size()) {
            throw new IllegalArgumentException("program takes " + program.inputTypes().size() + " inputs, got "
                    + inputs.length);
        }
        long[] r = registers;
        for (Ir.Insn in : insns) {
            List<Ir.Val> a = in.args();
            r[in.dst().id()] = switch (in.opcode()) {
                case INPUT -> in.dst().type() == Ir.Type.F32
                        ? Float.floatToRawIntBits((float) inputs[(int) in.imm()])
                        : Double.doubleToRawLongBits(inputs[(int) in.imm()]);
                case CONST -> in.imm();
                case ADD -> d(d(r, a, 0) + d(r, a, 1));
                case SUB -> d(d(r, a, 0) - d(r, a, 1));
                case MUL -> d(d(r, a, 0) * d(r, a, 1));
                case FMA -> d(Math.fma(d(r, a, 0), d(r, a, 1), d(r, a, 2)));
                case DIV -> d(d(r, a, 0) / d(r, a, 1));
                case SQRT -> d(Math.sqrt(d(r, a, 0)));
                case ABS -> d(Math.abs(d(r, a, 0)));
                case NEG -> d(-d(r, a, 0));
                case COPYSIGN -> d(Math.copySign(d(r, a, 0), d(r, a, 1)));
                case MIN -> d(ptxMin(d(r, a, 0), d(r, a, 1)));
                case MAX -> d(-ptxMin(-d(r, a, 0), -d(r, a, 1)));
                case RNI -> d(Math.rint(d(r, a, 0)));
                case RZI -> d(trunc(d(r, a, 0)));
                case RMI -> d(Math.floor(d(r, a, 0)));
                case RPI -> d(Math.ceil(d(r, a, 0)));
                case F64_TO_F32 -> Float.floatToRawIntBits((float) d(r, a, 0));
                case F32_TO_F64 -> d(Float.intBitsToFloat((int) r[a.get(0).id()]));
                case F64_TO_I64_RZI -> (long) d(r, a, 0);
                case I64_TO_F64 -> d((double) r[a.get(0).id()]);
                case U64_TO_F64 -> d(unsignedToDouble(r[a.get(0).id()]));
                case BITS_TO_I64, BITS_TO_F64 -> r[a.get(0).id()];
                case IADD -> l(r, a, 0) + l(r, a, 1);
                case ISUB -> l(r, a, 0) - l(r, a, 1);
                case IAND -> l(r, a, 0) & l(r, a, 1);
                case IOR -> l(r, a, 0) | l(r, a, 1);
                case IXOR -> l(r, a, 0) ^ l(r, a, 1);
                case INOT -> ~l(r, a, 0);
                case INEG -> -l(r, a, 0);
                case SHL -> amount(r, a) >= 64 ? 0 : l(r, a, 0) << amount(r, a);
                case SHR -> amount(r, a) >= 64 ? 0 : l(r, a, 0) >>> amount(r, a);
                case SAR -> l(r, a, 0) >> Math.min(63, amount(r, a));
                case MUL_LO -> l(r, a, 0) * l(r, a, 1);
                case MUL_HI_U -> unsignedMultiplyHigh(l(r, a, 0), l(r, a, 1));
                case CLZ -> Long.numberOfLeadingZeros(l(r, a, 0));
                case I64_TO_I32 -> (int) l(r, a, 0);
                case I32_TO_I64 -> (long) (int) l(r, a, 0);
                case I32_SUB -> (long) ((int) l(r, a, 0) - (int) l(r, a, 1));
                case FSETP -> bool(floatTest(Ir.FloatTest.values()[(int) in.imm()], d(r, a, 0), d(r, a, 1)));
                case ISETP -> bool(intTest(Ir.IntTest.values()[(int) in.imm()], l(r, a, 0), l(r, a, 1)));
                case TEST_FINITE -> bool(Double.isFinite(d(r, a, 0)));
                case TEST_INFINITE -> bool(Double.isInfinite(d(r, a, 0)));
                case SELECT -> l(r, a, 0) != 0 ? l(r, a, 1) : l(r, a, 2);
                case PAND -> l(r, a, 0) & l(r, a, 1);
                case POR -> l(r, a, 0) | l(r, a, 1);
                case PNOT -> l(r, a, 0) ^ 1;
                case TABLE_BASE -> 0L;
                case LOAD_U64 -> load(l(r, a, 0));
            };
        }
        Ir.Val out = program.result();
        long bits = r[out.id()];
        return switch (out.type()) {
            case F64 -> Double.longBitsToDouble(bits);
            case F32 -> Float.intBitsToFloat((int) bits);
            default -> throw new IllegalStateException("program result " + out + " is not a float");
        };
    }

    private static double d(long[] r, List<Ir.Val> a, int k) {
        return Double.longBitsToDouble(r[a.get(k).id()]);
    }

    private static long l(long[] r, List<Ir.Val> a, int k) {
        return r[a.get(k).id()];
    }

    private static long d(double v) {
        return Double.doubleToRawLongBits(v);
    }

    private static long bool(boolean b) {
        return b ? 1 : 0;
    }

    private static int amount(long[] r, List<Ir.Val> a) {
        long v = r[a.get(1).id()] & 0xFFFF_FFFFL;
        return (int) Math.min(v, 64);
    }

    private static long load(long address) {
        if ((address & 7) != 0 || address < 0 || address / 8 >= TwoOverPi.WORDS.length) {
            throw new IllegalStateException("2/pi table read out of range at byte " + address);
        }
        return TwoOverPi.WORDS[(int) (address / 8)];
    }

    private static double ptxMin(double a, double b) {
        if (Double.isNaN(a)) {
            return b;
        }
        if (Double.isNaN(b)) {
            return a;
        }
        return Math.min(a, b);
    }

    private static double trunc(double v) {
        return v < 0 ? Math.ceil(v) : Math.floor(v);
    }

    static double unsignedToDouble(long v) {
        if (v >= 0) {
            return v;
        }
        // Halving with the lost bit folded into the sticky position keeps the rounding exact.
        return ((v >>> 1) | (v & 1)) * 2.0;
    }

    static long unsignedMultiplyHigh(long a, long b) {
        return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
    }

    private static boolean floatTest(Ir.FloatTest t, double a, double b) {
        return switch (t) {
            case LT -> a < b;
            case LE -> a <= b;
            case GT -> a > b;
            case GE -> a >= b;
            case EQ -> a == b;
            case NEU -> a != b;
            case NAN -> Double.isNaN(a) || Double.isNaN(b);
        };
    }

    private static boolean intTest(Ir.IntTest t, long a, long b) {
        return switch (t) {
            case LT -> a < b;
            case GE -> a >= b;
            case EQ -> a == b;
            case LTU -> Long.compareUnsigned(a, b) < 0;
        };
    }
}
