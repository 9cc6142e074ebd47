package dev.gradus.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a static method whose body is a mathematical expression. The Gradus annotation
 * processor reads the body at compile time and generates, in the same package, a class named
 * after the enclosing class with {@code Gradients} appended (for {@code Physics},
 * {@code PhysicsGradients}) holding the method's derivative code.
 *
 * <p>For a method with {@code double} (or {@code float}) parameters and result, the generated
 * class has a record named after the method (capitalized: {@code energy} gives
 * {@code Energy}) with the value and one partial derivative per parameter ({@code dx()} for a
 * parameter {@code x}), a method of the same name returning that record, and a method that
 * writes the partials into a caller's array and allocates nothing. The annotated method
 * itself stays ordinary Java.
 *
 * <p>What the body may contain, and what is an error, is listed in the README.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Expression {
    /**
     * The parameters to differentiate with respect to, by name; empty (the default) means
     * every parameter. The generated record and array hold the partials in this order.
     */
    String[] wrt() default {};

    /**
     * Whether to generate second derivatives as well (scalar methods only): the record then
     * has {@code dxdy()} for every pair of wrt parameters (x before y in parameter order),
     * and a {@code <method>Hessian} method writes the gradient and the full Hessian (row-major)
     * into caller arrays.
     */
    boolean hessian() default false;
}
