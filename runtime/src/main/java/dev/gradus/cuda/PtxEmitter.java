package dev.gradus.cuda;

import dev.gradus.cuda.Ir.Insn;
import dev.gradus.cuda.Ir.Val;
import java.util.List;
import java.util.Locale;

/**
 * Writes an {@link Ir} program as PTX instructions, one line per IR instruction. Arithmetic
 * carries an explicit {@code .rn} so that ptxas never contracts a multiply and an add into
 * an fma: the interpreter must see exactly the roundings the GPU performs.
 */
final class PtxEmitter {
    private PtxEmitter() {
    }

    /** The name of the 2/π table in a module that needs it. */
    static final String TABLE_NAME = "gradus_two_over_pi";

    /** Appends the register declarations for {@code program}. */
    static void declareRegisters(Ir program, StringBuilder out) {
        int n = Math.max(1, program.registerCount());
        for (Ir.Type t : Ir.Type.values()) {
            out.append("\t.reg ").append(t.ptx).append(' ').append(t.prefix).append('<').append(n).append(">;\n");
        }
    }

    /** Appends the table definition (module scope). */
    static void declareTable(StringBuilder out) {
        out.append(".global .align 8 .b64 ").append(TABLE_NAME).append('[').append(TwoOverPi.WORDS.length)
                .append("] = {");
        for (int i = 0; i < TwoOverPi.WORDS.length; i++) {
            out.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "0x%016X", TwoOverPi.WORDS[i]));
        }
        out.append("};\n");
    }

    /**
     * Appends the program's instructions.
     *
     * @param inputRegisters the registers already holding the kernel's inputs, by input number
     */
    static void emit(Ir program, List<String> inputRegisters, StringBuilder out) {
        for (Insn in : program.instructions()) {
            out.append('\t').append(line(in, inputRegisters)).append(";\n");
        }
    }

    /** The register name of a value. */
    static String name(Val v) {
        return v.type().prefix + v.id();
    }

    private static String line(Insn in, List<String> inputRegisters) {
        List<Val> a = in.args();
        String d = name(in.dst());
        return switch (in.opcode()) {
            case INPUT -> "mov" + in.dst().type().ptx + " " + d + ", " + inputRegisters.get((int) in.imm());
            case CONST -> switch (in.dst().type()) {
                case F64 -> String.format(Locale.ROOT, "mov.f64 %s, 0d%016X", d, in.imm());
                case I64 -> String.format(Locale.ROOT, "mov.b64 %s, 0x%016X", d, in.imm());
                case I32 -> String.format(Locale.ROOT, "mov.b32 %s, 0x%08X", d, (int) in.imm());
                default -> throw new IllegalStateException("constant of type " + in.dst().type());
            };
            case ADD -> op("add.rn.f64", d, a);
            case SUB -> op("sub.rn.f64", d, a);
            case MUL -> op("mul.rn.f64", d, a);
            case FMA -> op("fma.rn.f64", d, a);
            case DIV -> op("div.rn.f64", d, a);
            case SQRT -> op("sqrt.rn.f64", d, a);
            case ABS -> op("abs.f64", d, a);
            case NEG -> op("neg.f64", d, a);
            // PTX's copysign takes the sign source first.
            case COPYSIGN -> op("copysign.f64", d, List.of(a.get(1), a.get(0)));
            case MIN -> op("min.f64", d, a);
            case MAX -> op("max.f64", d, a);
            case RNI -> op("cvt.rni.f64.f64", d, a);
            case RZI -> op("cvt.rzi.f64.f64", d, a);
            case RMI -> op("cvt.rmi.f64.f64", d, a);
            case RPI -> op("cvt.rpi.f64.f64", d, a);
            case F64_TO_F32 -> op("cvt.rn.f32.f64", d, a);
            case F32_TO_F64 -> op("cvt.f64.f32", d, a);
            case F64_TO_I64_RZI -> op("cvt.rzi.s64.f64", d, a);
            case I64_TO_F64 -> op("cvt.rn.f64.s64", d, a);
            case U64_TO_F64 -> op("cvt.rn.f64.u64", d, a);
            case BITS_TO_I64, BITS_TO_F64 -> op("mov.b64", d, a);
            case IADD -> op("add.s64", d, a);
            case ISUB -> op("sub.s64", d, a);
            case IAND -> op("and.b64", d, a);
            case IOR -> op("or.b64", d, a);
            case IXOR -> op("xor.b64", d, a);
            case INOT -> op("not.b64", d, a);
            case INEG -> op("neg.s64", d, a);
            case SHL -> op("shl.b64", d, a);
            case SHR -> op("shr.u64", d, a);
            case SAR -> op("shr.s64", d, a);
            case MUL_LO -> op("mul.lo.s64", d, a);
            case MUL_HI_U -> op("mul.hi.u64", d, a);
            case CLZ -> op("clz.b64", d, a);
            case I64_TO_I32 -> op("cvt.u32.u64", d, a);
            case I32_TO_I64 -> op("cvt.s64.s32", d, a);
            case I32_SUB -> op("sub.s32", d, a);
            case FSETP -> op("setp." + Ir.FloatTest.values()[(int) in.imm()].ptx + ".f64", d, a);
            case ISETP -> op("setp." + Ir.IntTest.values()[(int) in.imm()].ptx, d, a);
            case TEST_FINITE -> op("testp.finite.f64", d, a);
            case TEST_INFINITE -> op("testp.infinite.f64", d, a);
            case SELECT -> {
                String t = switch (in.dst().type()) {
                    case F64 -> "f64";
                    case I64 -> "b64";
                    case I32 -> "b32";
                    default -> throw new IllegalStateException("select of type " + in.dst().type());
                };
                yield op("selp." + t, d, List.of(a.get(1), a.get(2), a.get(0)));
            }
            case PAND -> op("and.pred", d, a);
            case POR -> op("or.pred", d, a);
            case PNOT -> op("not.pred", d, a);
            case TABLE_BASE -> "mov.u64 " + d + ", " + TABLE_NAME;
            case LOAD_U64 -> "ld.global.u64 " + d + ", [" + name(a.get(0)) + "]";
        };
    }

    private static String op(String mnemonic, String d, List<Val> args) {
        StringBuilder s = new StringBuilder(mnemonic).append(' ').append(d);
        for (Val v : args) {
            s.append(", ").append(name(v));
        }
        return s.toString();
    }
}
