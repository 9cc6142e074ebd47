package dev.gradus.processor.writing;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.gradus.processor.Names;
import dev.gradus.processor.model.Expr;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Writes the generated members for one scalar {@code @Expression} method: the record of value
 * and partials, the method returning it, the allocation-free method filling a caller's array
 * and, with second derivatives, the method filling gradient and Hessian arrays.
 */
public final class ScalarWriter {
    private ScalarWriter() {
    }

    /** Adds the members for {@code m} to {@code cls}. */
    public static void write(ScalarMethod m, TypeSpec.Builder cls) {
        ClassName record = Names.record(m.type(), m.method());
        TypeName scalar = m.isFloat() ? TypeName.FLOAT : TypeName.DOUBLE;
        List<String> components = componentNames(m);
        String link = link(m);

        MethodSpec.Builder ctor = MethodSpec.constructorBuilder();
        ctor.addParameter(scalar, "value");
        for (String c : components) {
            ctor.addParameter(scalar, c);
        }
        StringBuilder doc = new StringBuilder("Value and partial derivatives of {@link " + link + "}:\n<ul>\n");
        doc.append("<li>{@code value}: the method's value</li>\n");
        for (int i = 0; i < m.wrt().size(); i++) {
            String p = m.parameters().get(m.wrt().get(i));
            doc.append("<li>{@code ").append(Names.partial(p)).append("}: ∂/∂").append(p).append("</li>\n");
        }
        if (m.hessian() != null) {
            doc.append("<li>{@code d<i>a</i>d<i>b</i>}: ∂²/∂<i>a</i>∂<i>b</i> for each pair of parameters</li>\n");
        }
        doc.append("</ul>\n");
        cls.addType(TypeSpec.recordBuilder(record)
                .addModifiers(Modifier.PUBLIC)
                .addJavadoc(doc.toString())
                .recordConstructor(ctor.build())
                .build());

        cls.addMethod(recordMethod(m, record, scalar, link));
        cls.addMethod(arrayMethod(m, scalar, link, cls));
        if (m.hessian() != null) {
            cls.addMethod(hessianMethod(m, scalar, link, cls));
        }
    }

    private static List<String> componentNames(ScalarMethod m) {
        List<String> out = new ArrayList<>();
        for (int i : m.wrt()) {
            out.add(Names.partial(m.parameters().get(i)));
        }
        if (m.hessian() != null) {
            for (int a = 0; a < m.wrt().size(); a++) {
                for (int b = a; b < m.wrt().size(); b++) {
                    // Named in parameter order, whatever the wrt order, so callers can find it.
                    int first = Math.min(m.wrt().get(a), m.wrt().get(b));
                    int second = Math.max(m.wrt().get(a), m.wrt().get(b));
                    out.add(Names.secondPartial(m.parameters().get(first), m.parameters().get(second)));
                }
            }
        }
        return out;
    }

    /** Returns the accessor names the record will have, for clash checks. */
    public static List<String> accessorNames(ScalarMethod m) {
        List<String> out = new ArrayList<>();
        out.add("value");
        out.addAll(componentNames(m));
        return out;
    }

    private static String link(ScalarMethod m) {
        StringBuilder sb = new StringBuilder(m.type().getQualifiedName()).append('#').append(m.name()).append('(');
        for (int i = 0; i < m.parameters().size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(m.isFloat() ? "float" : "double");
        }
        return sb.append(')').toString();
    }

    private static List<ParameterSpec> parameters(ScalarMethod m, TypeName scalar) {
        List<ParameterSpec> out = new ArrayList<>();
        for (String p : m.parameters()) {
            out.add(ParameterSpec.builder(scalar, p).build());
        }
        return out;
    }

    /** Returns the text of {@code e} as the method's result type: cast to float (where needed) in float methods. */
    private static String result(ScalarMethod m, CodeEmitter emitter, Expr e) {
        return m.isFloat() ? emitter.asFloat(e) : emitter.statementText(e);
    }

    private static MethodSpec recordMethod(ScalarMethod m, ClassName record, TypeName scalar, String link) {
        List<Expr> roots = new ArrayList<>();
        roots.add(m.value());
        roots.addAll(m.gradient());
        if (m.hessian() != null) {
            for (int a = 0; a < m.wrt().size(); a++) {
                for (int b = a; b < m.wrt().size(); b++) {
                    roots.add(m.hessian().get(a).get(b));
                }
            }
        }
        CodeEmitter emitter = new CodeEmitter(m.parameters(), m.isFloat(), List.of());
        emitter.emit(roots);
        List<String> args = new ArrayList<>();
        for (Expr r : roots) {
            args.add(result(m, emitter, r));
        }
        return MethodSpec.methodBuilder(m.name())
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("Computes {@link $L} and its partial derivatives.\n\n@return a new record of value and partials\n",
                        link)
                .addParameters(parameters(m, scalar))
                .returns(record)
                .addCode(emitter.code())
                .addStatement("return new $T($L)", record, String.join(", ", args))
                .build();
    }

    /**
     * Declares the per-thread scratch arrays an allocation-free method passes to the array
     * forms of the methods it calls, and fetches them at the top of its body. One field per
     * generated method: recursion is refused, so a thread never re-enters one while it runs.
     */
    private static void scratch(CodeEmitter emitter, String method, TypeSpec.Builder cls, CodeBlock.Builder body) {
        if (emitter.scratchLocal() == null) {
            return;
        }
        String field = Names.constant(method, "SCRATCH");
        List<CodeBlock> arrays = new ArrayList<>();
        for (CodeEmitter.ScratchArray a : emitter.scratchArrays()) {
            arrays.add(CodeBlock.of("new $L[$L]", a.isFloat() ? "float" : "double", a.length()));
        }
        cls.addField(FieldSpec.builder(ParameterizedTypeName.get(ThreadLocal.class, Object[].class), field,
                Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .initializer("$T.withInitial(() -> new Object[] {$L})", ThreadLocal.class, CodeBlock.join(arrays, ", "))
                .build());
        body.addStatement("Object[] $N = $N.get()", emitter.scratchLocal(), field);
    }

    private static String scratchNote(CodeEmitter emitter) {
        return emitter.scratchLocal() == null ? ""
                : " (after a thread's first call, which creates its scratch arrays for the methods it calls)";
    }

    private static MethodSpec arrayMethod(ScalarMethod m, TypeName scalar, String link, TypeSpec.Builder cls) {
        String gradient = Names.free("gradient", m.parameters());
        CodeEmitter emitter = new CodeEmitter(m.parameters(), m.isFloat(), List.of(gradient), true);
        List<Expr> roots = new ArrayList<>();
        roots.add(m.value());
        roots.addAll(m.gradient());
        emitter.emit(roots);
        CodeBlock.Builder body = CodeBlock.builder();
        body.add(checkLength(gradient, m.wrt().size()));
        scratch(emitter, m.name(), cls, body);
        body.add(emitter.code());
        for (int i = 0; i < m.gradient().size(); i++) {
            body.addStatement("$N[$L] = $L", gradient, i, result(m, emitter, m.gradient().get(i)));
        }
        body.addStatement("return $L", result(m, emitter, m.value()));
        return MethodSpec.methodBuilder(m.name())
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("Computes {@link $L}, writes its partial derivatives into {@code $L} (in the order $L) and "
                        + "allocates nothing$L.\n\n@return the value\n@throws IllegalArgumentException if {@code $L} "
                        + "does not have $L\n", link, gradient, wrtList(m), scratchNote(emitter), gradient,
                        elements(m.wrt().size()))
                .addParameters(parameters(m, scalar))
                .addParameter(ArrayTypeName.of(scalar), gradient)
                .returns(scalar)
                .addCode(body.build())
                .build();
    }

    private static MethodSpec hessianMethod(ScalarMethod m, TypeName scalar, String link, TypeSpec.Builder cls) {
        String gradient = Names.free("gradient", m.parameters());
        String hessian = Names.free("hessian", m.parameters());
        int n = m.wrt().size();
        CodeEmitter emitter = new CodeEmitter(m.parameters(), m.isFloat(), List.of(gradient, hessian), true);
        List<Expr> roots = new ArrayList<>();
        roots.add(m.value());
        roots.addAll(m.gradient());
        for (int a = 0; a < n; a++) {
            for (int b = a; b < n; b++) {
                roots.add(m.hessian().get(a).get(b));
            }
        }
        emitter.emit(roots);
        CodeBlock.Builder body = CodeBlock.builder();
        body.add(checkLength(gradient, n));
        body.add(checkLength(hessian, n * n));
        scratch(emitter, Names.hessianMethod(m.name()), cls, body);
        body.add(emitter.code());
        for (int i = 0; i < n; i++) {
            body.addStatement("$N[$L] = $L", gradient, i, result(m, emitter, m.gradient().get(i)));
        }
        for (int a = 0; a < n; a++) {
            for (int b = a; b < n; b++) {
                String v = result(m, emitter, m.hessian().get(a).get(b));
                body.addStatement("$N[$L] = $L", hessian, a * n + b, v);
                if (a != b) {
                    body.addStatement("$N[$L] = $N[$L]", hessian, b * n + a, hessian, a * n + b);
                }
            }
        }
        body.addStatement("return $L", result(m, emitter, m.value()));
        return MethodSpec.methodBuilder(Names.hessianMethod(m.name()))
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("Computes {@link $L}, writes its gradient into {@code $L} and its Hessian, row-major, into "
                        + "{@code $L} (both in the order $L), and allocates nothing$L.\n\n"
                        + "@return the value\n"
                        + "@throws IllegalArgumentException if an array has the wrong length\n", link, gradient, hessian,
                        wrtList(m), scratchNote(emitter))
                .addParameters(parameters(m, scalar))
                .addParameter(ArrayTypeName.of(scalar), gradient)
                .addParameter(ArrayTypeName.of(scalar), hessian)
                .returns(scalar)
                .addCode(body.build())
                .build();
    }

    private static CodeBlock checkLength(String array, int n) {
        return CodeBlock.builder()
                .beginControlFlow("if ($N.length != $L)", array, n)
                .addStatement("throw new $T($S + $N.length)", IllegalArgumentException.class,
                        array + " must have " + elements(n) + ", got ", array)
                .endControlFlow()
                .build();
    }

    private static String elements(int n) {
        return n + (n == 1 ? " element" : " elements");
    }

    private static String wrtList(ScalarMethod m) {
        List<String> names = new ArrayList<>();
        for (int i : m.wrt()) {
            names.add(m.parameters().get(i));
        }
        return String.join(", ", names);
    }
}
