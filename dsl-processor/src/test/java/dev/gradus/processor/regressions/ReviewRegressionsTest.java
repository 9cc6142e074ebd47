package dev.gradus.processor.regressions;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import dev.gradus.processor.GradusProcessor;
import java.util.function.DoubleUnaryOperator;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** Regressions for constructs that compiled but gave wrong values or derivatives. */
class ReviewRegressionsTest {
    private static double fd(DoubleUnaryOperator f, double x) {
        double h = 1e-6 * Math.max(1, Math.abs(x));
        return (f.applyAsDouble(x + h) - f.applyAsDouble(x - h)) / (2 * h);
    }

    @Test
    void aBranchNotTakenPassesZeroNotNaN() {
        assertEquals(0.0, GuardedGradients.guardedSqrt(-0.5).dx());
        assertEquals(0.0, GuardedGradients.guardedLog(-0.5).dx());
        assertEquals(0.5 / Math.sqrt(2), GuardedGradients.guardedSqrt(2).dx(), 1e-15);
    }

    @Test
    void blockLocalsEndWithTheirBlock() {
        double x = 0.7;
        assertEquals(Guarded.blockScope(x), GuardedGradients.blockScope(x).value(), 1e-15);
        assertEquals(fd(Guarded::blockScope, x), GuardedGradients.blockScope(x).dx(), 1e-7);
    }

    @Test
    void intSemanticsFollowJava() {
        assertEquals(Guarded.parameterHidesIntField(0.7, 3.6), GuardedGradients.parameterHidesIntField(0.7, 3.6).value());
        assertEquals(3.6, GuardedGradients.parameterHidesIntField(0.7, 3.6).dx(), 1e-15);
        assertEquals(Guarded.intMath(0.7), GuardedGradients.intMath(0.7).value(), 1e-15);
        assertEquals(1.0, GuardedGradients.intMath(0.7).dx(), 1e-15);
    }

    @Test
    void signedZeroSurvives() {
        assertEquals(Guarded.signedZero(0.0), GuardedGradients.signedZero(0.0).value());
    }

    private static Compilation compile(String... body) {
        String[] lines = new String[body.length + 3];
        lines[0] = "package test;";
        lines[1] = "import dev.gradus.annotations.Expression;";
        lines[2] = "public final class T {";
        System.arraycopy(body, 0, lines, 3, body.length);
        String[] all = java.util.Arrays.copyOf(lines, lines.length + 1);
        all[lines.length] = "}";
        JavaFileObject src = JavaFileObjects.forSourceLines("test.T", all);
        return Compiler.javac().withProcessors(new GradusProcessor()).compile(src);
    }

    @Test
    void constructsThatCannotBeFollowedAreRefused() {
        assertThat(compile("  @Expression static double f(double x) {", "    double s = 0;",
                "    for (int i = 0; i < 3; i++) { s += x; i = 5; }", "    return s;", "  }"))
                .hadErrorContaining("[LoopBounds]");
        assertThat(compile("  @Expression static double f(double x) { return x > 1 ? f(x / 2) : x; }"))
                .hadErrorContaining("recursive call");
        assertThat(compile("  @Expression static double f(double x) { return x * 3000000000L; }"))
                .hadErrorContaining("[IntegerExpression]");
        assertThat(compile("  @Expression static double f(double x) { return g(x); }",
                "  @Expression static double g(double x) { return x; }", "  static double g(float x) { return x; }"))
                .hadErrorContaining("overloaded");
        assertThat(compile("  @Expression static double math(double x) { return x; }"))
                .hadErrorContaining("[NameClash]");
        assertThat(compile("  static final double LIM = 2.5;", "  @Expression static double f(double x) {",
                "    double s = 0;", "    for (int i = 0; i < LIM; i++) { s += x; }", "    return s;", "  }"))
                .hadErrorContaining("[IntegerExpression]");
    }
}
