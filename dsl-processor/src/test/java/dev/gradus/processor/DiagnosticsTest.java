package dev.gradus.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every diagnostic of {@link Message}, triggered by a small source and checked for its text,
 * file and line (compile-testing). The tensor messages are tested with the tensor path.
 */
class DiagnosticsTest {
    private static Compilation compile(JavaFileObject... sources) {
        return Compiler.javac().withProcessors(new GradusProcessor()).compile(sources);
    }

    /** A class {@code test.T} with the given members, importing {@code @Expression}. */
    private static JavaFileObject source(String... members) {
        List<String> lines = new ArrayList<>(List.of("package test;", "", "import dev.gradus.annotations.Expression;", "",
                "public final class T {"));
        lines.addAll(List.of(members));
        lines.add("}");
        return JavaFileObjects.forSourceLines("test.T", lines);
    }

    private static void assertNoInternalError(Compilation c) {
        for (Diagnostic<? extends JavaFileObject> d : c.diagnostics()) {
            assertFalse(d.getMessage(null).contains("[InternalError]"), d.getMessage(null));
        }
    }

    @Test
    void notStatic() {
        JavaFileObject src = source("    @Expression", "    public double energy(double x) {", "        return x * x;", "    }");
        Compilation c = compile(src);
        assertThat(c).hadErrorContaining("[ExpressionNotStatic] @Expression method 'energy' must be static; make it static")
                .inFile(src).onLineContaining("public double energy(double x)");
        assertThat(c).hadErrorCount(1);
    }

    @Test
    void signature() {
        JavaFileObject src = source("    @Expression", "    static double mixed(double x, int n) {", "        return x * n;",
                "    }");
        Compilation c = compile(src);
        assertThat(c).hadErrorContaining("[ExpressionSignature] @Expression method 'mixed' must take and return double "
                + "(or float, or Tensor) values of one type; found (double, int) -> double")
                .inFile(src).onLineContaining("static double mixed(");
    }

    @Test
    void noParameters() {
        JavaFileObject src = source("    @Expression", "    static double constant() {", "        return 2.0;", "    }");
        Compilation c = compile(src);
        assertThat(c).hadErrorContaining("[ExpressionSignature] @Expression method 'constant' has no parameters")
                .inFile(src).onLineContaining("static double constant()");
    }

    @Test
    void unknownWrt() {
        JavaFileObject src = source("    @Expression(wrt = {\"x\", \"z\"})", "    static double f(double x, double y) {",
                "        return x * y;", "    }");
        Compilation c = compile(src);
        assertThat(c).hadErrorContaining("[UnknownWrt] wrt names 'z', which is not a parameter of 'f'; its parameters are [x, y]")
                .inFile(src).onLineContaining("@Expression(wrt = {\"x\", \"z\"})");
    }

    @Test
    void duplicateWrt() {
        JavaFileObject src = source("    @Expression(wrt = {\"x\", \"x\"})", "    static double f(double x, double y) {",
                "        return x * y;", "    }");
        Compilation c = compile(src);
        assertThat(c).hadErrorContaining("[UnknownWrt] wrt names 'x' twice; list each parameter once")
                .inFile(src).onLineContaining("@Expression(wrt = {\"x\", \"x\"})");
    }

    @Test
    void overloaded() {
        JavaFileObject src = source("    @Expression", "    static double f(double x) {", "        return x;", "    }",
                "    @Expression", "    static double f(double x, double y) {", "        return x * y;", "    }");
        Compilation c = compile(src);
        assertThat(c).hadErrorContaining("[ExpressionOverloaded] two @Expression methods in T are named 'f'; rename one")
                .inFile(src).onLineContaining("static double f(double x, double y)");
    }

    @Test
    void nameClash() {
        // d + "xdx" and d + "x" + d + "x" are both "dxdx".
        JavaFileObject src = source("    @Expression(hessian = true)", "    static double f(double x, double xdx) {",
                "        return x * xdx;", "    }");
        Compilation c = compile(src);
        assertThat(c).hadErrorContaining("[NameClash] the generated accessor 'dxdx' would stand for two derivatives of 'f'")
                .inFile(src).onLineContaining("static double f(double x, double xdx)");
    }

    @Test
    void unsupportedStatement() {
        JavaFileObject src = source("    @Expression", "    static double sw(double x) {", "        switch ((int) 2) {",
                "            default:", "                return x;", "        }", "    }",
                "    @Expression", "    static double th(double x) {", "        if (x > 0) throw new IllegalStateException();",
                "        return x;", "    }",
                "    @Expression", "    static double tr(double x) {", "        try {", "            return x;",
                "        } finally {", "        }", "    }");
        Compilation c = compile(src);
        assertThat(c).hadErrorContaining("[ExpressionUnsupported] a switch statement is not supported in an @Expression "
                + "method; use local variables, assignments, if/else, for loops with constant bounds and return")
                .inFile(src).onLineContaining("switch ((int) 2)");
        assertThat(c).hadErrorContaining("[ExpressionUnsupported] a throw statement is not supported")
                .inFile(src).onLineContaining("throw new IllegalStateException()");
        assertThat(c).hadErrorContaining("[ExpressionUnsupported] a try statement is not supported")
                .inFile(src).onLineContaining("try {");
    }

    @Test
    void unsupportedExpression() {
        JavaFileObject src = source("    @Expression", "    static double boxed(double x) {",
                "        return x * new Double(2.0);", "    }",
                "    @Expression", "    static double assignInside(double x) {", "        double y;",
                "        return x + (y = 2.0);", "    }");
        Compilation c = compile(src);
        assertThat(c).hadErrorContaining("[ExpressionUnsupported] 'new Double(2.0)' is not supported in an @Expression "
                + "method; use + - * /, Math functions, constants, ternaries and calls to other @Expression methods")
                .inFile(src).onLineContaining("new Double(2.0)");
        assertThat(c).hadErrorContaining("[ExpressionUnsupported] 'y = 2.0' (an assignment inside an expression")
                .inFile(src).onLineContaining("return x + (y = 2.0)");
    }

    @Test
    void noDerivative() {
        JavaFileObject src = source("    @Expression", "    static double fl(double x) {",
                "        return x * Math.floor(x);", "    }",
                "    @Expression", "    static double rd(double x) {", "        return x + Math.round(x);", "    }",
                "    @Expression", "    static double rem(double x) {", "        return x % 2.0;", "    }");
        Compilation c = compile(src);
        assertThat(c).hadErrorContaining("[NoDerivative] 'Math.floor' has no derivative; compute it outside the "
                + "@Expression method and pass the result in as a parameter, or use a differentiable form")
                .inFile(src).onLineContaining("Math.floor(x)");
        assertThat(c).hadErrorContaining("[NoDerivative] 'Math.round' has no derivative")
                .inFile(src).onLineContaining("Math.round(x)");
        assertThat(c).hadErrorContaining("[NoDerivative] 'x % 2.0' has no derivative")
                .inFile(src).onLineContaining("return x % 2.0;");
    }

    @Test
    void unknownMethod() {
        JavaFileObject src = source("    static double helper(double x) {", "        return x;", "    }",
                "    @Expression", "    static double f(double x) {", "        return helper(x) * x;", "    }",
                "    @Expression", "    static double g(double x) {", "        return Math.fma(x, x, x);", "    }");
        Compilation c = compile(src);
        assertThat(c).hadErrorContaining("[UnknownMethod] 'T.helper' is neither a supported Math function nor a static "
                + "@Expression method; annotate it with @Expression, or compute it outside and pass the result in")
                .inFile(src).onLineContaining("return helper(x) * x;");
        assertThat(c).hadErrorContaining("[UnknownMethod] 'Math.fma' is neither")
                .inFile(src).onLineContaining("Math.fma(x, x, x)");
    }

    @Test
    void instanceMethod() {
        JavaFileObject src = source("    double scale(double x) {", "        return 2 * x;", "    }",
                "    @Expression", "    static double f(double x) {", "        return scale(x);", "    }");
        Compilation c = compile(src);
        assertThat(c).hadErrorContaining("[InstanceMethod] 'T.scale' is an instance method; @Expression bodies may call "
                + "only Math functions and static @Expression methods")
                .inFile(src).onLineContaining("return scale(x);");
    }

    @Test
    void integerCast() {
        JavaFileObject src = source("    @Expression", "    static double f(double x) {", "        return x * (int) x;",
                "    }");
        Compilation c = compile(src);
        assertThat(c).hadErrorContaining("[IntegerCast] the cast to int truncates and has no derivative")
                .inFile(src).onLineContaining("return x * (int) x;");
    }

    @Test
    void fieldWrite() {
        JavaFileObject src = source("    static double last;", "    @Expression", "    static double f(double x) {",
                "        last = x;", "        return x;", "    }");
        Compilation c = compile(src);
        assertThat(c).hadErrorContaining("[FieldWrite] @Expression methods may not write fields ('last'); use a local "
                + "variable")
                .inFile(src).onLineContaining("last = x;");
    }

    @Test
    void array() {
        JavaFileObject src = source("    @Expression", "    static double f(double x) {", "        double[] xs = {x, x};",
                "        return x;", "    }");
        Compilation c = compile(src);
        assertThat(c).hadErrorContaining("[ArrayUnsupported] arrays are not supported in @Expression methods ('xs'); "
                + "pass the elements as separate parameters")
                .inFile(src).onLineContaining("double[] xs = {x, x};");
    }

    @Test
    void nonConstantField() {
        JavaFileObject src = source("    static double scale = 2.0;", "    @Expression", "    static double f(double x) {",
                "        return scale * x;", "    }");
        Compilation c = compile(src);
        assertThat(c).hadErrorContaining("[NonConstantField] 'scale' is not a compile-time constant; make it a static "
                + "final primitive with a constant initializer, or pass it in as a parameter")
                .inFile(src).onLineContaining("return scale * x;");
    }

    @Test
    void loop() {
        JavaFileObject src = source("    @Expression", "    static double w(double x) {", "        while (x > 1) {",
                "            x = x / 2;", "        }", "        return x;", "    }",
                "    @Expression", "    static double d(double x) {", "        do {", "            x = x / 2;",
                "        } while (x > 1);", "        return x;", "    }",
                "    static final double[] XS = {1, 2};",
                "    @Expression", "    static double e(double x) {", "        for (double v : XS) {",
                "            x = x * 2;", "        }", "        return x;", "    }");
        Compilation c = compile(src);
        assertThat(c).hadErrorContaining("[LoopUnsupported] while loops are not supported in @Expression methods; write a "
                + "for loop with constant bounds, e.g. for (int i = 0; i < 10; i++)")
                .inFile(src).onLineContaining("while (x > 1) {");
        assertThat(c).hadErrorContaining("[LoopUnsupported] do-while loops are not supported")
                .inFile(src).onLineContaining("do {");
        assertThat(c).hadErrorContaining("[LoopUnsupported] for-each loops are not supported")
                .inFile(src).onLineContaining("for (double v : XS)");
    }

    @Test
    void loopBounds() {
        JavaFileObject src = source("    @Expression", "    static double up(double x) {",
                "        for (int i = 1; i < 8; i *= 2) {", "            x = x * 2;", "        }", "        return x;", "    }",
                "    @Expression", "    static double flipped(double x) {", "        for (int j = 0; 3 > j; j++) {",
                "            x = x * 2;", "        }", "        return x;", "    }",
                "    @Expression", "    static double huge(double x) {", "        for (int k = 0; k < 1000000; k++) {",
                "            x = x * 2;", "        }", "        return x;", "    }");
        Compilation c = compile(src);
        assertThat(c).hadErrorContaining("[LoopBounds] this for loop cannot be unrolled at compile time: the update must be "
                + "i++, i--, i += c or i -= c with a non-zero constant c; use a form like for (int i = A; i < B; i++) with "
                + "constant A and B")
                .inFile(src).onLineContaining("i *= 2");
        assertThat(c).hadErrorContaining("[LoopBounds] this for loop cannot be unrolled at compile time: the condition must "
                + "compare the counter 'j' with a constant")
                .inFile(src).onLineContaining("3 > j");
        assertThat(c).hadErrorContaining("[LoopBounds] this for loop cannot be unrolled at compile time: it runs more than "
                + "100000 times")
                .inFile(src).onLineContaining("k < 1000000");
    }

    @Test
    void integerExpression() {
        JavaFileObject src = source("    @Expression", "    static double f(double x) {", "        int n = 3;",
                "        n += 1;", "        return x * n;", "    }",
                "    @Expression", "    static double g(double x) {", "        for (int i = 0; i < x; i++) {",
                "            x = x * 2;", "        }", "        return x;", "    }");
        Compilation c = compile(src);
        assertThat(c).hadErrorContaining("[IntegerExpression] the int expression 'n += 1' is not a compile-time constant; "
                + "int values may only be constants and for-loop counters, so declare it double")
                .inFile(src).onLineContaining("n += 1;");
        assertThat(c).hadErrorContaining("[IntegerExpression] the int expression 'x' is not a compile-time constant")
                .inFile(src).onLineContaining("i < x");
    }

    @Test
    void condition() {
        JavaFileObject src = source("    static boolean big(double x) {", "        return x > 1;", "    }",
                "    @Expression", "    static double f(double x) {", "        if (big(x)) {", "            return x;",
                "        }", "        return -x;", "    }");
        Compilation c = compile(src);
        assertThat(c).hadErrorContaining("[ConditionUnsupported] 'big(x)' is not a supported condition; compare numbers "
                + "with < <= > >= == != and combine comparisons with && || !")
                .inFile(src).onLineContaining("if (big(x))");
    }

    @Test
    void tooManyBranches() throws IOException {
        List<String> members = new ArrayList<>(List.of("    @Expression", "    static double f(double x, double y) {"));
        for (int k = 0; k < 12; k++) {
            members.add("        if (x > " + k + ") { if (y > " + k + ") { return x * " + k + "; } } // branch " + k);
        }
        members.add("        return y;");
        members.add("    }");
        JavaFileObject src = source(members.toArray(String[]::new));
        Compilation c = compile(src);
        assertThat(c).hadErrorContaining("[TooManyBranches] the body has more than 1024 paths through its early returns; "
                + "assign to a variable and return once at the end")
                .inFile(src);
        // It points at the if statement where the count ran over: one of the twelve.
        Diagnostic<? extends JavaFileObject> error = c.errors().get(0);
        assertTrue(error.getLineNumber() >= 8 && error.getLineNumber() <= 19, "line " + error.getLineNumber());
        assertTrue(src.getCharContent(false).toString().lines().toList().get((int) error.getLineNumber() - 1)
                .contains("if (x > "));
        assertNoInternalError(c);
    }

    @Test
    void calleeDerivative() {
        JavaFileObject src = source("    @Expression", "    static double inner(double x, double y) {",
                "        return x * y;", "    }",
                "    @Expression(hessian = true)", "    static double needsSecond(double x) {",
                "        return inner(x, x);", "    }",
                "    @Expression(wrt = \"x\")", "    static double onlyX(double x, double k) {", "        return k * x;",
                "    }",
                "    @Expression", "    static double needsK(double x) {", "        return onlyX(x, x * x);", "    }");
        Compilation c = compile(src);
        assertThat(c).hadErrorContaining("[CalleeDerivative] the chain rule through 'T.inner' needs a derivative its "
                + "generated code does not provide: second derivatives are needed; declare it @Expression(hessian = true)")
                .inFile(src).onLineContaining("static double needsSecond(double x)");
        assertThat(c).hadErrorContaining("[CalleeDerivative] the chain rule through 'T.onlyX' needs a derivative its "
                + "generated code does not provide: its @Expression(wrt = ...) leaves out parameter 'k'; add it to wrt")
                .inFile(src).onLineContaining("static double needsK(double x)");
    }

    @Test
    void tensorHessian() {
        JavaFileObject src = source("    @Expression(hessian = true)",
                "    static dev.gradus.tensor.Tensor loss(dev.gradus.tensor.Tensor x) {",
                "        return dev.gradus.Ops.sum(dev.gradus.Ops.square(x));", "    }");
        Compilation c = compile(src);
        assertThat(c).hadErrorContaining("[ExpressionSignature] hessian = true is supported for double and float methods "
                + "only; remove it from 'loss'").inFile(src).onLineContaining("@Expression(hessian = true)");
        assertThat(c).hadErrorCount(1);
    }

    @Test
    void mutualRecursion() {
        JavaFileObject src = source("    @Expression",
                "    static double ping(double x) {",
                "        return x > 1 ? pong(x - 1) : x;", "    }",
                "    @Expression",
                "    static double pong(double x) {",
                "        return Math.sin(ping(x));", "    }");
        Compilation c = compile(src);
        assertThat(c).hadErrorContaining("[ExpressionRecursive] 'ping' calls itself through other @Expression methods "
                + "(ping → pong → ping)").inFile(src).onLineContaining("static double ping(double x)");
        assertThat(c).hadErrorContaining("'pong' calls itself through other @Expression methods (pong → ping → pong)")
                .inFile(src).onLineContaining("static double pong(double x)");
        assertThat(c).hadErrorCount(2);
        assertNoInternalError(c);
    }

    @Test
    void tensorCalleeMissingWrt() {
        JavaFileObject src = source("    @Expression(wrt = {\"w\"})",
                "    static dev.gradus.tensor.Tensor layer(dev.gradus.tensor.Tensor x, dev.gradus.tensor.Tensor w) {",
                "        return dev.gradus.Ops.tanh(dev.gradus.Ops.matMul(x, w));", "    }",
                "    @Expression",
                "    static dev.gradus.tensor.Tensor deep(dev.gradus.tensor.Tensor x, dev.gradus.tensor.Tensor w) {",
                "        dev.gradus.tensor.Tensor h = layer(x, w);",
                "        return dev.gradus.Ops.sum(layer(h, w));", "    }");
        Compilation c = compile(src);
        assertThat(c).hadErrorContaining("[TensorExpressionUnsupported] 'layer' does not differentiate its parameter 'x' "
                + "(its wrt leaves it out), but this method's gradient flows through it; add 'x' to the wrt of 'layer'")
                .inFile(src).onLineContaining("dev.gradus.tensor.Tensor h = layer(x, w);");
        assertThat(c).hadErrorCount(1);
        assertNoInternalError(c);
    }

    @Test
    void tensorAxesMustBeLiterals() {
        JavaFileObject src = source("    static final int[] AXES = {0};",
                "    @Expression",
                "    static dev.gradus.tensor.Tensor loss(dev.gradus.tensor.Tensor x) {",
                "        return dev.gradus.Ops.sum(dev.gradus.Ops.softmax(x, AXES[0]));", "    }");
        Compilation c = compile(src);
        assertThat(c).hadErrorContaining("[TensorExpressionUnsupported] 'AXES[0]' is not a Tensor parameter, local or Ops "
                + "call, nor a literal or static final constant")
                .inFile(src).onLineContaining("Ops.softmax");
        assertNoInternalError(c);
    }

    @Test
    void tensorBody() {
        JavaFileObject src = source("    @Expression",
                "    static dev.gradus.tensor.Tensor loss(dev.gradus.tensor.Tensor x) {",
                "        return dev.gradus.Ops.sum(dev.gradus.Ops.split(x, 0, 2).get(0));", "    }");
        Compilation c = compile(src);
        assertThat(c).hadErrorContaining("[TensorExpressionUnsupported]").inFile(src).onLineContaining("Ops.split");
        JavaFileObject loop = source("    @Expression",
                "    static dev.gradus.tensor.Tensor loss(dev.gradus.tensor.Tensor x) {",
                "        for (int i = 0; i < x.rank(); i++) { x = dev.gradus.Ops.square(x); }",
                "        return dev.gradus.Ops.sum(x);", "    }");
        Compilation c2 = compile(loop);
        assertThat(c2).hadErrorContaining("[TensorExpressionUnsupported] the loop condition 'i < x.rank()' is not known at "
                + "compile time").inFile(loop).onLineContaining("for (int i");
        JavaFileObject branch = source("    @Expression",
                "    static dev.gradus.tensor.Tensor loss(dev.gradus.tensor.Tensor x) {",
                "        if (x.rank() > 1) { x = dev.gradus.Ops.square(x); }",
                "        return dev.gradus.Ops.sum(x);", "    }");
        Compilation c3 = compile(branch);
        assertThat(c3).hadErrorContaining("[TensorExpressionUnsupported] the condition 'x.rank() > 1' is not known at "
                + "compile time").inFile(branch).onLineContaining("if (x.rank() > 1)");
        JavaFileObject whileLoop = source("    @Expression",
                "    static dev.gradus.tensor.Tensor loss(dev.gradus.tensor.Tensor x) {",
                "        while (true) { return dev.gradus.Ops.sum(x); }", "    }");
        Compilation c4 = compile(whileLoop);
        assertThat(c4).hadErrorContaining("[TensorExpressionUnsupported] this statement is not supported (while_loop)")
                .inFile(whileLoop).onLineContaining("while (true)");
        assertNoInternalError(c3);
        assertNoInternalError(c4);
        assertNoInternalError(c);
        assertNoInternalError(c2);
    }

    @Test
    void methodWithoutBody() {
        JavaFileObject src = source("    @Expression", "    static native double f(double x);");
        Compilation c = compile(src);
        assertThat(c).hadErrorContaining("[ExpressionUnsupported] a method without a body is not supported")
                .inFile(src).onLineContaining("static native double f(double x);");
        assertNoInternalError(c);
    }

    @Test
    void oneBadMethodDoesNotStopTheOthers(@TempDir Path out) throws IOException {
        // compile-testing hides generated files once compilation failed, so this runs javac
        // directly, processing only, and reads the generated source from disk.
        List<String> lines = List.of("package test;", "import dev.gradus.annotations.Expression;", "public final class T {",
                "    @Expression", "    static double bad(double x) {", "        return Math.floor(x);", "    }",
                "    @Expression", "    static double good(double x) {", "        return x * x;", "    }", "}");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            files.setLocationFromPaths(StandardLocation.SOURCE_OUTPUT, List.of(out));
            files.setLocationFromPaths(StandardLocation.CLASS_OUTPUT, List.of(out));
            JavaCompiler.CompilationTask task = javac.getTask(null, files, diagnostics,
                    List.of("-proc:only", "-classpath", System.getProperty("java.class.path")), null,
                    List.of(JavaFileObjects.forSourceLines("test.T", lines)));
            task.setProcessors(List.of(new GradusProcessor()));
            assertFalse(task.call());
        }
        List<String> errors = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() == Diagnostic.Kind.ERROR) {
                errors.add(d.getLineNumber() + ": " + d.getMessage(Locale.ROOT));
            }
        }
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("6: [NoDerivative] 'Math.floor' has no derivative"), errors.get(0));
        String generated = Files.readString(out.resolve("test/TGradients.java"));
        assertTrue(generated.contains("public record Good(double value, double dx)"), generated);
        assertTrue(generated.contains("public static Good good(double x)"), generated);
        assertFalse(generated.contains("Bad") || generated.contains("bad("), generated);
    }

    @Test
    void theProcessorNeverThrowsOnBrokenSources() {
        // Sources javac itself rejects: unknown symbols, wrong types, missing returns. The
        // processor runs before attribution; it must report (or ignore) them, never crash.
        JavaFileObject src = source("    @Expression", "    static double unknown(double x) {",
                "        return x + notDeclared;", "    }",
                "    @Expression", "    static double unknownCall(double x) {", "        return Nope.f(x);", "    }",
                "    @Expression", "    static double noReturn(double x) {", "        double y = x;", "    }",
                "    @Expression", "    static double wrongType(double x) {", "        String s = \"a\";",
                "        return x;", "    }",
                "    @Expression", "    static double selfCall(double x) {", "        return x > 1 ? selfCall(x / 2) : x;",
                "    }",
                "    @Expression", "    static Double boxed(Double x) {", "        return x;", "    }",
                "    @Expression", "    static double[] arrays(double[] x) {", "        return x;", "    }");
        Compilation c = compile(src);
        assertThat(c).failed();
        assertNoInternalError(c);
        assertThat(c).hadErrorContaining("[ExpressionUnsupported] 'notDeclared' is not supported")
                .inFile(src).onLineContaining("notDeclared");
        assertThat(c).hadErrorContaining("[ExpressionUnsupported] a body that can end without return is not supported");
        assertThat(c).hadErrorContaining("[ExpressionSignature] @Expression method 'boxed'");
        assertThat(c).hadErrorContaining("[ExpressionSignature] @Expression method 'arrays'");
    }

    @Test
    void theWholeCorpusCompilesWithoutAnyError() throws IOException {
        Path root = Path.of("src/test/java/dev/gradus/processor/corpus");
        List<JavaFileObject> sources = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                String name = root.relativize(p).toString().replace('/', '.').replace(".java", "");
                sources.add(JavaFileObjects.forSourceString("dev.gradus.processor.corpus." + name, Files.readString(p)));
            }
        }
        assertTrue(sources.size() >= 10, "corpus files: " + sources.size());
        Compilation c = compile(sources.toArray(JavaFileObject[]::new));
        assertNoInternalError(c);
        assertThat(c).succeededWithoutWarnings();
        assertEquals(sources.size() + 1, c.generatedSourceFiles().size(), "one gradients class per class, nested included");
    }
}
