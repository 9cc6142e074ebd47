package dev.gradus.processor;

import com.palantir.javapoet.ClassName;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;

/**
 * Every naming rule of the generated code, in one place:
 * <ul>
 * <li>the class {@code Physics} gets {@code PhysicsGradients} in the same package (a nested
 * class {@code Outer.Inner} gets {@code Outer_InnerGradients});</li>
 * <li>a method {@code energy} gets the record {@code Energy} and the methods {@code energy}
 * (returns the record), {@code energy(..., double[] gradient)} (allocation-free) and, with
 * second derivatives, {@code energyHessian(..., double[] gradient, double[] hessian)};
 * tensor methods get {@code energyNodes}, {@code energyWithGradients} and the record
 * {@code EnergyNodes};</li>
 * <li>the partial derivative with respect to {@code x} is {@code dx}; the second derivative
 * with respect to {@code x} then {@code y} is {@code dxdy}.</li>
 * </ul>
 */
public final class Names {
    private Names() {
    }

    /** Returns the generated class for the type that declares {@code @Expression} methods. */
    public static ClassName gradientsClass(TypeElement type) {
        StringBuilder simple = new StringBuilder(type.getSimpleName());
        Element e = type.getEnclosingElement();
        while (e.getKind() != ElementKind.PACKAGE) {
            simple.insert(0, e.getSimpleName() + "_");
            e = e.getEnclosingElement();
        }
        return ClassName.get(((PackageElement) e).getQualifiedName().toString(), simple + "Gradients");
    }

    /** Returns the record of value and partials for {@code method}, nested in the gradients class. */
    public static ClassName record(TypeElement type, ExecutableElement method) {
        return gradientsClass(type).nestedClass(capitalize(method.getSimpleName().toString()));
    }

    /** Returns the record of graph nodes for a tensor method, nested in the gradients class. */
    public static ClassName nodesRecord(TypeElement type, ExecutableElement method) {
        return gradientsClass(type).nestedClass(capitalize(method.getSimpleName().toString()) + "Nodes");
    }

    /** Returns the accessor of the partial derivative with respect to {@code parameter}. */
    public static String partial(String parameter) {
        return "d" + parameter;
    }

    /** Returns the accessor of the second derivative with respect to {@code a}, then {@code b}. */
    public static String secondPartial(String a, String b) {
        return "d" + a + "d" + b;
    }

    /** Returns the name of the method writing gradient and Hessian into arrays. */
    public static String hessianMethod(String method) {
        return method + "Hessian";
    }

    /** Returns the graph-builder method of a tensor method. */
    public static String nodesMethod(String method) {
        return method + "Nodes";
    }

    /** Returns the graph-builder-with-derivatives method of a tensor method. */
    public static String gradientNodesMethod(String method) {
        return method + "GradientNodes";
    }

    /** Returns the vector-Jacobian product builder of a tensor method (gradients for a given output gradient). */
    public static String vjpMethod(String method) {
        return method + "Vjp";
    }

    /** Returns the tensor-evaluating method (value and gradients) of a tensor method. */
    public static String tensorGradientMethod(String method) {
        return method;
    }

    /** Returns the name of a generated static field of {@code method}: ({@code fooBar}, {@code SCRATCH}) → {@code FOO_BAR_SCRATCH}. */
    public static String constant(String method, String suffix) {
        return method.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT) + "_" + suffix;
    }

    /** Returns {@code wanted}, with underscores appended until it is none of {@code taken} (user parameter names). */
    public static String free(String wanted, java.util.Collection<String> taken) {
        String name = wanted;
        while (taken.contains(name)) {
            name = name + "_";
        }
        return name;
    }

    static String capitalize(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
