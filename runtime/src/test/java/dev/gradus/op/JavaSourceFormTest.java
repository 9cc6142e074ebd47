package dev.gradus.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every elementwise op's Java source form against its scalar form, bit for bit. One class
 * is generated with a method per (op, way of using the form), compiled in memory with the
 * system Java compiler, loaded, and run on a grid of special values (±0, ±1, ±½, ±2.5,
 * ±subnormal, ±1e300, ±∞, NaN) and random values of many magnitudes. The ways of using a
 * form check that it parenthesizes its arguments (a sum, a negation, a conditional
 * expression as the argument) and that it is self-contained (the form as an operand of
 * prefix minus and of division on either side).
 */
class JavaSourceFormTest {
    private static final String CLASS_NAME = "dev.gradus.op.generated.SourceForms";

    /** Every unary op of the table, then leaky ReLUs whose slopes test the literal (negative, tiny, ±0, not a short decimal). */
    private static final List<UnaryOp> UNARY = Stream.concat(UnaryOps.all().stream(),
            Stream.of(0.1, 0.01, 1e-7, -0.25, 0.0, -0.0, 1.0 / 3).map(LeakyRelu::new)).collect(Collectors.toList());

    private static final List<BinaryOp> BINARY = BinaryOps.all();

    /** The six relations, BOOL form then mask form of each. */
    private static final List<Comparison> COMPARISONS = Stream.of(Comparison.Kind.values())
            .flatMap(k -> Stream.of(Comparison.of(k), Comparison.of(k).mask())).collect(Collectors.toList());

    /** How an argument is written into the form: its text, and what it evaluates to. */
    record Argument(String name, String text, DoubleUnaryOperator value) {
    }

    /** How the form's result is used: its text around the form, and what that computes from the form's value. */
    record Use(String name, String template, DoubleUnaryOperator value) {
    }

    /** Arguments by variable name: {@code x} for unary methods; {@code a} and {@code b} for binary ones. */
    private static List<Argument> arguments(String v) {
        return List.of(
                new Argument("plain", v, t -> t),
                new Argument("sum", v + " + 1.0", t -> t + 1.0),
                new Argument("negated", "-" + v, t -> -t),
                // The conditional has the lowest precedence of all expressions (it is v itself, NaN included).
                new Argument("conditional", v + " != 0.5 ? " + v + " : " + v, t -> t));
    }

    private static final List<Use> USES = List.of(
            new Use("minus", "-%s", y -> -y),
            new Use("divisor", "3.0 / %s", y -> 3.0 / y),
            new Use("dividend", "%s / 3.0", y -> y / 3.0));

    private static Class<?> forms;

    // ================================================================ the generated class

    private static String unaryMethod(int op, String variant) {
        return "u" + op + "_" + variant;
    }

    private static String binaryMethod(int op, String variant) {
        return "b" + op + "_" + variant;
    }

    private static String comparisonMethod(int op, String variant) {
        return "c" + op + "_" + variant;
    }

    private static String source() {
        StringBuilder s = new StringBuilder();
        int dot = CLASS_NAME.lastIndexOf('.');
        s.append("package ").append(CLASS_NAME, 0, dot).append(";\n\n");
        s.append("public final class ").append(CLASS_NAME.substring(dot + 1)).append(" {\n");
        for (int i = 0; i < UNARY.size(); i++) {
            UnaryOp op = UNARY.get(i);
            s.append("    // ").append(op).append('\n');
            for (Argument arg : arguments("x")) {
                method(s, "double", unaryMethod(i, arg.name()), "double x", op.javaSource(arg.text()));
            }
            for (Use use : USES) {
                method(s, "double", unaryMethod(i, use.name()), "double x", String.format(use.template(), op.javaSource("x")));
            }
        }
        for (int i = 0; i < BINARY.size(); i++) {
            BinaryOp op = BINARY.get(i);
            s.append("    // ").append(op).append('\n');
            List<Argument> as = arguments("a");
            List<Argument> bs = arguments("b");
            for (int k = 0; k < as.size(); k++) {
                method(s, "double", binaryMethod(i, as.get(k).name()), "double a, double b",
                        op.javaSource(as.get(k).text(), bs.get(k).text()));
            }
            for (Use use : USES) {
                method(s, "double", binaryMethod(i, use.name()), "double a, double b",
                        String.format(use.template(), op.javaSource("a", "b")));
            }
        }
        for (int i = 0; i < COMPARISONS.size(); i++) {
            Comparison op = COMPARISONS.get(i);
            s.append("    // ").append(op).append('\n');
            // The BOOL form must be a boolean expression: returning it from a boolean method checks its type.
            String type = op.returnsSameDType() ? "double" : "boolean";
            List<Argument> as = arguments("a");
            List<Argument> bs = arguments("b");
            for (int k = 0; k < as.size(); k++) {
                method(s, type, comparisonMethod(i, as.get(k).name()), "double a, double b",
                        op.javaSource(as.get(k).text(), bs.get(k).text()));
            }
            if (op.returnsSameDType()) {
                for (Use use : USES) {
                    method(s, type, comparisonMethod(i, use.name()), "double a, double b",
                            String.format(use.template(), op.javaSource("a", "b")));
                }
            } else {
                method(s, type, comparisonMethod(i, "not"), "double a, double b", "!" + op.javaSource("a", "b"));
            }
        }
        return s.append("}\n").toString();
    }

    private static void method(StringBuilder s, String type, String name, String params, String body) {
        s.append("    public static ").append(type).append(' ').append(name).append('(').append(params).append(") {\n");
        s.append("        return ").append(body).append(";\n    }\n\n");
    }

    @BeforeAll
    static void compile() throws Exception {
        String source = source();
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertTrue(javac != null, "the tests need a JDK (ToolProvider.getSystemJavaCompiler() is null)");
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Map<String, ByteArrayOutputStream> classes = new HashMap<>();
        // The runtime's classes, wherever the test runner put them (its java.class.path may be a manifest-only jar).
        String runtime = Path.of(UnaryOps.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        List<String> options = List.of("-classpath", System.getProperty("java.class.path") + File.pathSeparator + runtime,
                "-proc:none");
        try (StandardJavaFileManager standard = javac.getStandardFileManager(diagnostics, Locale.ROOT, null);
                ForwardingJavaFileManager<StandardJavaFileManager> memory = new ForwardingJavaFileManager<>(standard) {
                    @Override
                    public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                            FileObject sibling) {
                        return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + kind.extension), kind) {
                            @Override
                            public OutputStream openOutputStream() {
                                ByteArrayOutputStream out = new ByteArrayOutputStream();
                                classes.put(className, out);
                                return out;
                            }
                        };
                    }
                }) {
            JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///" + CLASS_NAME.replace('.', '/') + ".java"),
                    JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return source;
                }
            };
            boolean ok = javac.getTask(null, memory, diagnostics, options, null, List.of(file)).call();
            if (!ok) {
                fail("the generated source does not compile:\n" + diagnostics.getDiagnostics().stream()
                        .map(d -> "line " + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT))
                        .collect(Collectors.joining("\n")) + "\n" + numbered(source));
            }
        }
        ClassLoader loader = new ClassLoader(JavaSourceFormTest.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                ByteArrayOutputStream bytes = classes.get(name);
                if (bytes == null) {
                    throw new ClassNotFoundException(name);
                }
                byte[] b = bytes.toByteArray();
                return defineClass(name, b, 0, b.length);
            }
        };
        forms = loader.loadClass(CLASS_NAME);
    }

    private static String numbered(String source) {
        String[] lines = source.split("\n");
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            s.append(String.format(Locale.ROOT, "%5d  %s%n", i + 1, lines[i]));
        }
        return s.toString();
    }

    // ================================================================ values

    /** The special values, then random values from 1e-6 to 1e6 in magnitude, of both signs. */
    static final double[] VALUES = values();

    private static double[] values() {
        List<Double> v = new ArrayList<>(List.of(0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.5, -2.5, 1e-310, -1e-310, 1e300, -1e300,
                Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, Double.MIN_VALUE, -Double.MAX_VALUE));
        Random r = new Random(20240611);
        for (int k = 0; k < 40; k++) {
            v.add(r.nextGaussian() * Math.pow(10, r.nextInt(13) - 6));
        }
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static boolean sameBits(double expected, double actual) {
        return Double.doubleToLongBits(expected) == Double.doubleToLongBits(actual);
    }

    private static double call(Method m, Object... args) {
        try {
            Object result = m.invoke(null, args);
            return result instanceof Boolean bool ? (bool ? 1.0 : 0.0) : (Double) result;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("calling " + m, e);
        }
    }

    private static Method method(String name, int arity) throws NoSuchMethodException {
        return arity == 1 ? forms.getMethod(name, double.class) : forms.getMethod(name, double.class, double.class);
    }

    /** Collects the mismatches of one op, failing with the first few. */
    private static final class Mismatches {
        private final String op;
        private final List<String> found = new ArrayList<>();
        private int count;

        Mismatches(String op) {
            this.op = op;
        }

        void check(double expected, double actual, String what) {
            if (!sameBits(expected, actual)) {
                count++;
                if (found.size() < 10) {
                    found.add(what + ": scalar form gives " + expected + ", Java source form gives " + actual);
                }
            }
        }

        void assertNone(String source) {
            if (count > 0) {
                fail(op + ": " + count + " results differ from the scalar form (source " + source + "):\n  "
                        + String.join("\n  ", found));
            }
        }
    }

    // ================================================================ tests

    static Stream<UnaryOp> unaryOps() {
        return UNARY.stream();
    }

    static Stream<BinaryOp> binaryOps() {
        return BINARY.stream();
    }

    static Stream<Comparison> comparisons() {
        return COMPARISONS.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unaryOps")
    void unaryFormComputesTheScalarFormBitForBit(UnaryOp op) throws Exception {
        int i = UNARY.indexOf(op);
        Mismatches m = new Mismatches(op.toString());
        for (Argument arg : arguments("x")) {
            Method generated = method(unaryMethod(i, arg.name()), 1);
            for (double x : VALUES) {
                m.check(op.apply(arg.value().applyAsDouble(x)), call(generated, x), arg.name() + " argument, x = " + x);
            }
        }
        for (Use use : USES) {
            Method generated = method(unaryMethod(i, use.name()), 1);
            for (double x : VALUES) {
                m.check(use.value().applyAsDouble(op.apply(x)), call(generated, x), "used as " + use.name() + ", x = " + x);
            }
        }
        m.assertNone(op.javaSource("x"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("binaryOps")
    void binaryFormComputesTheScalarFormBitForBit(BinaryOp op) throws Exception {
        checkPairs(op.toString(), op.javaSource("a", "b"), op.scalarForm(), BINARY.indexOf(op), JavaSourceFormTest::binaryMethod,
                true);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("comparisons")
    void comparisonFormDecidesAsTheScalarForm(Comparison op) throws Exception {
        checkPairs(op.toString(), op.javaSource("a", "b"), op.scalarForm(), COMPARISONS.indexOf(op),
                JavaSourceFormTest::comparisonMethod, op.returnsSameDType());
        if (!op.returnsSameDType()) {
            Mismatches m = new Mismatches(op.toString());
            Method not = method(comparisonMethod(COMPARISONS.indexOf(op), "not"), 2);
            for (double a : VALUES) {
                for (double b : VALUES) {
                    m.check(1.0 - op.scalarForm().applyAsDouble(a, b), call(not, a, b), "negated with !, a = " + a + ", b = " + b);
                }
            }
            m.assertNone(op.javaSource("a", "b"));
        }
    }

    private interface MethodName {
        String of(int op, String variant);
    }

    private static void checkPairs(String label, String source, DoubleBinaryOperator f, int i, MethodName names, boolean uses)
            throws Exception {
        Mismatches m = new Mismatches(label);
        List<Argument> as = arguments("a");
        List<Argument> bs = arguments("b");
        for (int k = 0; k < as.size(); k++) {
            Argument ax = as.get(k);
            Argument bx = bs.get(k);
            Method generated = method(names.of(i, ax.name()), 2);
            for (double a : VALUES) {
                for (double b : VALUES) {
                    m.check(f.applyAsDouble(ax.value().applyAsDouble(a), bx.value().applyAsDouble(b)), call(generated, a, b),
                            ax.name() + " arguments, a = " + a + ", b = " + b);
                }
            }
        }
        if (uses) {
            for (Use use : USES) {
                Method generated = method(names.of(i, use.name()), 2);
                for (double a : VALUES) {
                    for (double b : VALUES) {
                        m.check(use.value().applyAsDouble(f.applyAsDouble(a, b)), call(generated, a, b),
                                "used as " + use.name() + ", a = " + a + ", b = " + b);
                    }
                }
            }
        }
        m.assertNone(source);
    }

    /** A form cannot be skipped by leaving its op out of {@code all()}: every constant of the tables is there. */
    @Test
    void theTablesListEveryOp() throws IllegalAccessException {
        assertEquals(constants(UnaryOps.class, UnaryOp.class), Set.copyOf(UnaryOps.all()), "UnaryOps.all()");
        assertEquals(constants(BinaryOps.class, BinaryOp.class), Set.copyOf(BinaryOps.all()), "BinaryOps.all()");
        Set<Comparison> bools = new LinkedHashSet<>(constants(Comparison.class, Comparison.class));
        assertEquals(bools, COMPARISONS.stream().filter(c -> !c.returnsSameDType()).collect(Collectors.toSet()),
                "the BOOL comparisons");
    }

    private static <T> Set<T> constants(Class<?> table, Class<T> type) throws IllegalAccessException {
        Set<T> found = new LinkedHashSet<>();
        for (Field f : table.getDeclaredFields()) {
            int mods = f.getModifiers();
            if (Modifier.isPublic(mods) && Modifier.isStatic(mods) && type.isAssignableFrom(f.getType())) {
                found.add(type.cast(f.get(null)));
            }
        }
        return found;
    }

    /** Spot checks of the exact text, so that a change of layout is a deliberate one. */
    @Test
    void formsReadAsPlainJava() {
        assertEquals("Math.sin(x)", UnaryOps.SIN.javaSource("x"));
        assertEquals("(-(x + 1))", UnaryOps.NEG.javaSource("x + 1"));
        assertEquals("((x) * (x))", UnaryOps.SQUARE.javaSource("x"));
        assertEquals("dev.gradus.op.UnaryOps.sigmoid(x)", UnaryOps.SIGMOID.javaSource("x"));
        assertEquals("((x) > 0 ? (x) : (0.1) * (x))", new LeakyRelu(0.1).javaSource("x"));
        assertEquals("((a) / (b))", BinaryOps.DIV.javaSource("a", "b"));
        assertEquals("Math.atan2(a, b)", BinaryOps.ATAN2.javaSource("a", "b"));
        assertEquals("((a) < (b))", Comparison.LT.javaSource("a", "b"));
        assertEquals("((a) <= (b) ? 1.0 : 0.0)", Comparison.LTE.mask().javaSource("a", "b"));
        assertEquals("Math.abs(a % b)", UnaryOps.ABS.javaSource("a % b"), "the argument's text is not a format string");
    }
}
