package dev.gradus.cuda;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A straight-line program over typed virtual registers, in which the device math is written
 * once. Each instruction is one PTX instruction with the semantics PTX gives it, so the same
 * program is both emitted as PTX text ({@link PtxEmitter}) and executed on the CPU by
 * {@link IrInterpreter}; accuracy measured by the interpreter is the accuracy of the kernel.
 *
 * <p>There are no branches: a function with several regimes computes each and picks with
 * {@link #select}. The builder methods append instructions and return their results; the
 * program is not thread-safe while being built and immutable in use afterwards.
 */
final class Ir {
    /** Register types; the name is the PTX type of the {@code .reg} declaration. */
    enum Type {
        F64(".f64", "%fd"), F32(".f32", "%f"), I64(".b64", "%rd"), I32(".b32", "%r"), PRED(".pred", "%p");

        final String ptx;
        final String prefix;

        Type(String ptx, String prefix) {
            this.ptx = ptx;
            this.prefix = prefix;
        }
    }

    /** A virtual register: its number is unique within its program. */
    record Val(int id, Type type) {
    }

    /** Float comparisons (the unordered NEU and NAN are true when an operand is NaN, the rest false). */
    enum FloatTest {
        LT("lt"), LE("le"), GT("gt"), GE("ge"), EQ("eq"), NEU("neu"), NAN("nan");

        final String ptx;

        FloatTest(String ptx) {
            this.ptx = ptx;
        }
    }

    /** 64-bit integer comparisons, signed except LTU. */
    enum IntTest {
        LT("lt.s64"), GE("ge.s64"), EQ("eq.s64"), LTU("lt.u64");

        final String ptx;

        IntTest(String ptx) {
            this.ptx = ptx;
        }
    }

    /** The instruction set; the comment of each gives its PTX form. */
    enum Opcode {
        /** Reads kernel input {@code imm} (the emitter maps it to the loaded register). */
        INPUT,
        /** mov of an immediate (f64 bits, b64 or b32 value in {@code imm}). */
        CONST,
        ADD, SUB, MUL, FMA, DIV, SQRT, ABS, NEG,
        /** copysign: magnitude of arg 0, sign of arg 1. */
        COPYSIGN,
        /** PTX min/max.f64: a NaN operand yields the other operand. */
        MIN, MAX,
        RNI, RZI, RMI, RPI,
        F64_TO_F32, F32_TO_F64, F64_TO_I64_RZI, I64_TO_F64, U64_TO_F64,
        BITS_TO_I64, BITS_TO_F64,
        IADD, ISUB, IAND, IOR, IXOR, INOT, INEG,
        /** Shifts by an I32 amount; amounts of 64 or more are clamped to 64, as PTX does. */
        SHL, SHR, SAR,
        MUL_LO, MUL_HI_U,
        /** clz.b64 into an I32. */
        CLZ,
        I64_TO_I32, I32_TO_I64, I32_SUB,
        FSETP, ISETP, TEST_FINITE, TEST_INFINITE,
        SELECT, PAND, POR, PNOT,
        /** The address of the 2/π table (0 in the interpreter, which indexes by address / 8). */
        TABLE_BASE,
        /** ld.global.u64 from an address. */
        LOAD_U64
    }

    /** One instruction: {@code imm} holds the immediate, input number or comparison ordinal. */
    record Insn(Opcode opcode, Val dst, List<Val> args, long imm) {
    }

    private final List<Insn> insns = new ArrayList<>();
    private final Map<String, Val> constants = new HashMap<>();
    private final List<Type> inputTypes;
    private int nextId;
    private Val result;

    /** Starts a program whose inputs have the given types (F32 or F64). */
    Ir(List<Type> inputTypes) {
        this.inputTypes = List.copyOf(inputTypes);
    }

    List<Insn> instructions() {
        return Collections.unmodifiableList(insns);
    }

    List<Type> inputTypes() {
        return inputTypes;
    }

    /** Returns the number of registers allocated (ids run from 0 to this minus one). */
    int registerCount() {
        return nextId;
    }

    Val result() {
        if (result == null) {
            throw new IllegalStateException("program has no result");
        }
        return result;
    }

    void setResult(Val v) {
        result = v;
    }

    boolean usesTable() {
        return insns.stream().anyMatch(i -> i.opcode() == Opcode.TABLE_BASE);
    }

    private Val emit(Opcode op, Type type, long imm, Val... args) {
        Val dst = new Val(nextId++, type);
        insns.add(new Insn(op, dst, List.of(args), imm));
        return dst;
    }

    private static void expect(Type t, Val... vs) {
        for (Val v : vs) {
            if (v.type() != t) {
                throw new IllegalArgumentException("register " + v + " is not " + t);
            }
        }
    }

    private Val f64(Opcode op, Val... args) {
        expect(Type.F64, args);
        return emit(op, Type.F64, 0, args);
    }

    private Val i64(Opcode op, Val... args) {
        expect(Type.I64, args);
        return emit(op, Type.I64, 0, args);
    }

    // ---- inputs and constants

    Val input(int k) {
        return emit(Opcode.INPUT, inputTypes.get(k), k);
    }

    /** A double constant; equal constants share one register. */
    Val f(double value) {
        long bits = Double.doubleToRawLongBits(value);
        return constants.computeIfAbsent("d" + bits, k -> emit(Opcode.CONST, Type.F64, bits));
    }

    /** A 64-bit integer constant. */
    Val i(long value) {
        return constants.computeIfAbsent("l" + value, k -> emit(Opcode.CONST, Type.I64, value));
    }

    /** A 32-bit integer constant. */
    Val i32(int value) {
        return constants.computeIfAbsent("i" + value, k -> emit(Opcode.CONST, Type.I32, value));
    }

    // ---- double arithmetic, all rounded to nearest

    Val add(Val a, Val b) {
        return f64(Opcode.ADD, a, b);
    }

    Val sub(Val a, Val b) {
        return f64(Opcode.SUB, a, b);
    }

    Val mul(Val a, Val b) {
        return f64(Opcode.MUL, a, b);
    }

    /** a·b + c with one rounding. */
    Val fma(Val a, Val b, Val c) {
        return f64(Opcode.FMA, a, b, c);
    }

    Val div(Val a, Val b) {
        return f64(Opcode.DIV, a, b);
    }

    Val sqrt(Val a) {
        return f64(Opcode.SQRT, a);
    }

    Val abs(Val a) {
        return f64(Opcode.ABS, a);
    }

    Val neg(Val a) {
        return f64(Opcode.NEG, a);
    }

    /** |magnitude| with the sign of {@code sign}. */
    Val copySign(Val magnitude, Val sign) {
        return f64(Opcode.COPYSIGN, magnitude, sign);
    }

    /** PTX min: a NaN operand yields the other; use only where NaN is handled apart. */
    Val min(Val a, Val b) {
        return f64(Opcode.MIN, a, b);
    }

    /** PTX max: a NaN operand yields the other; use only where NaN is handled apart. */
    Val max(Val a, Val b) {
        return f64(Opcode.MAX, a, b);
    }

    /** Round to nearest integer, ties to even. */
    Val rint(Val a) {
        return f64(Opcode.RNI, a);
    }

    Val trunc(Val a) {
        return f64(Opcode.RZI, a);
    }

    Val floor(Val a) {
        return f64(Opcode.RMI, a);
    }

    Val ceil(Val a) {
        return f64(Opcode.RPI, a);
    }

    // ---- conversions

    Val toF32(Val a) {
        expect(Type.F64, a);
        return emit(Opcode.F64_TO_F32, Type.F32, 0, a);
    }

    Val toF64(Val a) {
        expect(Type.F32, a);
        return emit(Opcode.F32_TO_F64, Type.F64, 0, a);
    }

    /** Truncates to a signed 64-bit integer (NaN gives 0, out of range saturates). */
    Val toLong(Val a) {
        expect(Type.F64, a);
        return emit(Opcode.F64_TO_I64_RZI, Type.I64, 0, a);
    }

    Val longToDouble(Val a) {
        expect(Type.I64, a);
        return emit(Opcode.I64_TO_F64, Type.F64, 0, a);
    }

    Val unsignedToDouble(Val a) {
        expect(Type.I64, a);
        return emit(Opcode.U64_TO_F64, Type.F64, 0, a);
    }

    Val bits(Val a) {
        expect(Type.F64, a);
        return emit(Opcode.BITS_TO_I64, Type.I64, 0, a);
    }

    Val fromBits(Val a) {
        expect(Type.I64, a);
        return emit(Opcode.BITS_TO_F64, Type.F64, 0, a);
    }

    // ---- 64-bit integers

    Val iadd(Val a, Val b) {
        return i64(Opcode.IADD, a, b);
    }

    Val isub(Val a, Val b) {
        return i64(Opcode.ISUB, a, b);
    }

    Val and(Val a, Val b) {
        return i64(Opcode.IAND, a, b);
    }

    Val or(Val a, Val b) {
        return i64(Opcode.IOR, a, b);
    }

    Val xor(Val a, Val b) {
        return i64(Opcode.IXOR, a, b);
    }

    Val not(Val a) {
        return i64(Opcode.INOT, a);
    }

    Val ineg(Val a) {
        return i64(Opcode.INEG, a);
    }

    private Val shift(Opcode op, Val a, Val amount) {
        expect(Type.I64, a);
        expect(Type.I32, amount);
        return emit(op, Type.I64, 0, a, amount);
    }

    Val shl(Val a, Val amount) {
        return shift(Opcode.SHL, a, amount);
    }

    /** Logical shift right. */
    Val shr(Val a, Val amount) {
        return shift(Opcode.SHR, a, amount);
    }

    /** Arithmetic shift right. */
    Val sar(Val a, Val amount) {
        return shift(Opcode.SAR, a, amount);
    }

    Val shl(Val a, int amount) {
        return shl(a, i32(amount));
    }

    Val shr(Val a, int amount) {
        return shr(a, i32(amount));
    }

    Val sar(Val a, int amount) {
        return sar(a, i32(amount));
    }

    /** Low 64 bits of the product. */
    Val mulLo(Val a, Val b) {
        return i64(Opcode.MUL_LO, a, b);
    }

    /** High 64 bits of the unsigned 128-bit product. */
    Val mulHiUnsigned(Val a, Val b) {
        return i64(Opcode.MUL_HI_U, a, b);
    }

    /** Count of leading zero bits (64 for 0), as an I32. */
    Val clz(Val a) {
        expect(Type.I64, a);
        return emit(Opcode.CLZ, Type.I32, 0, a);
    }

    Val toI32(Val a) {
        expect(Type.I64, a);
        return emit(Opcode.I64_TO_I32, Type.I32, 0, a);
    }

    Val toI64(Val a) {
        expect(Type.I32, a);
        return emit(Opcode.I32_TO_I64, Type.I64, 0, a);
    }

    Val isub32(Val a, Val b) {
        expect(Type.I32, a, b);
        return emit(Opcode.I32_SUB, Type.I32, 0, a, b);
    }

    // ---- predicates and selection

    Val test(FloatTest t, Val a, Val b) {
        expect(Type.F64, a, b);
        return emit(Opcode.FSETP, Type.PRED, t.ordinal(), a, b);
    }

    Val lt(Val a, Val b) {
        return test(FloatTest.LT, a, b);
    }

    Val le(Val a, Val b) {
        return test(FloatTest.LE, a, b);
    }

    Val gt(Val a, Val b) {
        return test(FloatTest.GT, a, b);
    }

    Val ge(Val a, Val b) {
        return test(FloatTest.GE, a, b);
    }

    Val eq(Val a, Val b) {
        return test(FloatTest.EQ, a, b);
    }

    Val isNaN(Val a) {
        return test(FloatTest.NAN, a, a);
    }

    Val itest(IntTest t, Val a, Val b) {
        expect(Type.I64, a, b);
        return emit(Opcode.ISETP, Type.PRED, t.ordinal(), a, b);
    }

    Val isFinite(Val a) {
        expect(Type.F64, a);
        return emit(Opcode.TEST_FINITE, Type.PRED, 0, a);
    }

    Val isInfinite(Val a) {
        expect(Type.F64, a);
        return emit(Opcode.TEST_INFINITE, Type.PRED, 0, a);
    }

    /** p ? a : b, for F64, I64 or I32 operands of one type. */
    Val select(Val p, Val a, Val b) {
        expect(Type.PRED, p);
        if (a.type() != b.type() || a.type() == Type.PRED || a.type() == Type.F32) {
            throw new IllegalArgumentException("cannot select between " + a + " and " + b);
        }
        return emit(Opcode.SELECT, a.type(), 0, p, a, b);
    }

    Val pand(Val p, Val q) {
        expect(Type.PRED, p, q);
        return emit(Opcode.PAND, Type.PRED, 0, p, q);
    }

    Val por(Val p, Val q) {
        expect(Type.PRED, p, q);
        return emit(Opcode.POR, Type.PRED, 0, p, q);
    }

    Val pnot(Val p) {
        expect(Type.PRED, p);
        return emit(Opcode.PNOT, Type.PRED, 0, p);
    }

    // ---- the 2/π table

    /** Loads word {@code index} of {@link TwoOverPi#WORDS}; the index must be in range. */
    Val tableWord(Val index) {
        expect(Type.I64, index);
        Val base = emit(Opcode.TABLE_BASE, Type.I64, 0);
        Val address = iadd(base, shl(index, 3));
        return emit(Opcode.LOAD_U64, Type.I64, 0, address);
    }
}
