package dev.gradus.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.gradus.annotations.Expression;
import dev.gradus.processor.lowering.LoweringException;
import dev.gradus.processor.lowering.ScalarLowering;
import dev.gradus.processor.lowering.TensorLowering;
import dev.gradus.processor.model.Callee;
import dev.gradus.processor.model.Differentiator;
import dev.gradus.processor.model.Expr;
import dev.gradus.processor.model.ExprFactory;
import dev.gradus.processor.model.TensorProgram;
import dev.gradus.processor.writing.ScalarMethod;
import dev.gradus.processor.writing.ScalarWriter;
import dev.gradus.processor.writing.TensorMethod;
import dev.gradus.processor.writing.TensorWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Generated;
import javax.annotation.processing.Messager;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.tools.Diagnostic;

/**
 * The Gradus annotation processor: for every class with {@code @Expression} methods, reads
 * each method's body through javac's Tree API, lowers it to the expression model,
 * differentiates it with the runtime's op-table rules, and writes the generated gradients
 * class with JavaPoet.
 *
 * <p>It never lets an exception reach javac and never claims the annotation: a failure is
 * reported as an error at the exact expression (or on the method), that method is skipped,
 * and the others are still generated. Output is deterministic.
 */
@AutoService(Processor.class)
public final class GradusProcessor extends AbstractProcessor {
    private static final String ANNOTATION = Expression.class.getCanonicalName();
    private static final String TENSOR = "dev.gradus.tensor.Tensor";

    private Trees trees;
    private Messager messager;

    /** Creates the processor (javac instantiates it through the service loader). */
    public GradusProcessor() {
    }

    @Override
    public synchronized void init(ProcessingEnvironment env) {
        super.init(env);
        this.trees = Trees.instance(env);
        this.messager = env.getMessager();
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
        return Set.of(ANNOTATION);
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        Map<String, TypeElement> types = new TreeMap<>();
        for (Element e : round.getElementsAnnotatedWith(Expression.class)) {
            if (e.getKind() == ElementKind.METHOD && e.getEnclosingElement() instanceof TypeElement t) {
                types.put(t.getQualifiedName().toString(), t);
            }
        }
        calls.clear();
        for (TypeElement type : types.values()) {
            try {
                generate(type);
            } catch (RuntimeException | IOException e) {
                messager.printMessage(Diagnostic.Kind.ERROR, Message.INTERNAL.format(type.getQualifiedName(), e), type);
            }
        }
        reportCycles();
        return false;
    }

    /**
     * Reports each @Expression method that reaches itself through calls of other ones (direct
     * recursion is refused at the call already): the generated methods would call each other
     * forever.
     */
    private void reportCycles() {
        for (ExecutableElement start : calls.keySet()) {
            List<ExecutableElement> path = cycleFrom(start, start, new ArrayList<>(), new HashSet<>());
            if (path != null) {
                StringBuilder chain = new StringBuilder(start.getSimpleName());
                for (ExecutableElement step : path) {
                    chain.append(" → ").append(step.getSimpleName());
                }
                messager.printMessage(Diagnostic.Kind.ERROR,
                        Message.RECURSION.format(start.getSimpleName(), chain), start);
            }
        }
    }

    private List<ExecutableElement> cycleFrom(ExecutableElement start, ExecutableElement at, List<ExecutableElement> path,
            Set<ExecutableElement> visited) {
        for (ExecutableElement next : calls.getOrDefault(at, List.of())) {
            path.add(next);
            if (next.equals(start)) {
                return path;
            }
            if (visited.add(next)) {
                List<ExecutableElement> found = cycleFrom(start, next, path, visited);
                if (found != null) {
                    return found;
                }
            }
            path.remove(path.size() - 1);
        }
        return null;
    }

    /** Calls between @Expression methods lowered in this round, caller → callees in call order. */
    private final Map<ExecutableElement, List<ExecutableElement>> calls = new java.util.LinkedHashMap<>();
    /** The method being lowered, whose calls of other @Expression methods are recorded. */
    private ExecutableElement lowering;

    private void recordCall(ExecutableElement callee) {
        if (lowering != null) {
            List<ExecutableElement> out = calls.computeIfAbsent(lowering, k -> new ArrayList<>());
            if (!out.contains(callee)) {
                out.add(callee);
            }
        }
    }

    private void generate(TypeElement type) throws IOException {
        List<ExecutableElement> methods = new ArrayList<>();
        for (Element e : type.getEnclosedElements()) {
            if (e.getKind() == ElementKind.METHOD && e.getAnnotation(Expression.class) != null) {
                methods.add((ExecutableElement) e);
            }
        }
        ClassName gradients = Names.gradientsClass(type);
        TypeSpec.Builder cls = TypeSpec.classBuilder(gradients)
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addOriginatingElement(type)
                .addAnnotation(AnnotationSpec.builder(Generated.class)
                        .addMember("value", "$S", GradusProcessor.class.getCanonicalName())
                        .addMember("comments", "$S", "from " + type.getQualifiedName())
                        .build())
                .addJavadoc("Derivative code generated by Gradus from the {@code @Expression} methods of {@link $T}.\n",
                        ClassName.get(type))
                .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
        Set<String> seen = new HashSet<>();
        int written = 0;
        for (ExecutableElement m : methods) {
            String name = m.getSimpleName().toString();
            // Records are named after the capitalized method name, so energy and Energy clash too.
            if (!seen.add(Names.record(type, m).simpleName())) {
                messager.printMessage(Diagnostic.Kind.ERROR, Message.OVERLOADED.format(type.getSimpleName(), name), m);
                continue;
            }
            try {
                lowering = m;
                if (writeMethod(type, m, cls)) {
                    written++;
                }
            } catch (LoweringException e) {
                report(m, e);
            } catch (Differentiator.MissingDerivativeException e) {
                messager.printMessage(Diagnostic.Kind.ERROR, Message.CALLEE_DERIVATIVE.format(
                        e.callee().owner().simpleName() + "." + e.callee().methodName(), e.getMessage()), m);
            } catch (RuntimeException e) {
                messager.printMessage(Diagnostic.Kind.ERROR, Message.INTERNAL.format(name, e), m);
            }
        }
        if (written > 0) {
            JavaFile.builder(gradients.packageName(), cls.build())
                    .skipJavaLangImports(true)
                    .indent("    ")
                    .build()
                    .writeTo(processingEnv.getFiler());
        }
    }

    private void report(ExecutableElement method, LoweringException e) {
        TreePath path = trees.getPath(method);
        if (path == null || e.tree() == null) {
            messager.printMessage(Diagnostic.Kind.ERROR, e.getMessage(), method);
        } else {
            trees.printMessage(Diagnostic.Kind.ERROR, e.getMessage(), e.tree(), path.getCompilationUnit());
        }
    }

    /** Validates, lowers, differentiates and writes one method; false when it reported an error. */
    private boolean writeMethod(TypeElement type, ExecutableElement m, TypeSpec.Builder cls) {
        Expression annotation = m.getAnnotation(Expression.class);
        String name = m.getSimpleName().toString();
        if (!m.getModifiers().contains(Modifier.STATIC)) {
            messager.printMessage(Diagnostic.Kind.ERROR, Message.NOT_STATIC.format(name), m);
            return false;
        }
        List<String> parameters = new ArrayList<>();
        for (VariableElement p : m.getParameters()) {
            parameters.add(p.getSimpleName().toString());
        }
        if (parameters.isEmpty()) {
            messager.printMessage(Diagnostic.Kind.ERROR, Message.NO_PARAMETERS.format(name), m);
            return false;
        }
        TypeKind kind = scalarKind(m);
        boolean tensor = kind == null && isTensorMethod(m);
        if (kind == null && !tensor) {
            messager.printMessage(Diagnostic.Kind.ERROR, Message.SIGNATURE.format(name, signature(m)), m);
            return false;
        }
        List<Integer> wrt = wrt(m, annotation, parameters);
        if (wrt == null) {
            return false;
        }
        MethodTree tree = trees.getTree(m);
        CompilationUnitTree unit = trees.getPath(m).getCompilationUnit();
        if (tensor) {
            if (annotation.hessian()) {
                messager.printMessage(Diagnostic.Kind.ERROR, Message.TENSOR_HESSIAN.format(name), m, annotationMirror(m));
                return false;
            }
            TensorProgram program = new TensorLowering(processingEnv.getElementUtils(), type, unit, this::tensorCallee)
                    .lower(m, tree.getBody(), parameters, wrt);
            TensorWriter.write(new TensorMethod(type, m, parameters, wrt, program), cls);
            return true;
        }
        ExprFactory factory = new ExprFactory();
        Expr value = new ScalarLowering(processingEnv.getElementUtils(), type, unit, factory, this::callee).lower(m, tree.getBody(), parameters);
        Differentiator d = new Differentiator(factory);
        List<Expr> gradient = d.gradient(value, wrt);
        List<List<Expr>> hessian = null;
        if (annotation.hessian()) {
            hessian = new ArrayList<>();
            for (Expr g : gradient) {
                hessian.add(d.gradient(g, wrt));
            }
        }
        if (Names.record(type, m).simpleName().equals("Math") || parameters.contains("Math")) {
            // The generated code calls java.lang.Math by its simple name.
            messager.printMessage(Diagnostic.Kind.ERROR, Message.NAME_CLASH.format("Math", name), m);
            return false;
        }
        ScalarMethod model = new ScalarMethod(type, m, parameters, kind == TypeKind.FLOAT, wrt, value, gradient, hessian);
        List<String> accessors = ScalarWriter.accessorNames(model);
        Set<String> distinct = new HashSet<>();
        for (String a : accessors) {
            if (!distinct.add(a)) {
                messager.printMessage(Diagnostic.Kind.ERROR, Message.NAME_CLASH.format(a, name), m);
                return false;
            }
        }
        ScalarWriter.write(model, cls);
        return true;
    }

    private static TypeKind scalarKind(ExecutableElement m) {
        TypeKind r = m.getReturnType().getKind();
        if (r != TypeKind.DOUBLE && r != TypeKind.FLOAT) {
            return null;
        }
        for (VariableElement p : m.getParameters()) {
            if (p.asType().getKind() != r) {
                return null;
            }
        }
        return r;
    }

    private static boolean isTensorMethod(ExecutableElement m) {
        if (!m.getReturnType().toString().equals(TENSOR)) {
            return false;
        }
        for (VariableElement p : m.getParameters()) {
            if (!p.asType().toString().equals(TENSOR)) {
                return false;
            }
        }
        return true;
    }

    private static String signature(ExecutableElement m) {
        List<String> ps = new ArrayList<>();
        for (VariableElement p : m.getParameters()) {
            ps.add(p.asType().toString());
        }
        return "(" + String.join(", ", ps) + ") -> " + m.getReturnType();
    }

    private List<Integer> wrt(ExecutableElement m, Expression annotation, List<String> parameters) {
        List<Integer> out = new ArrayList<>();
        if (annotation.wrt().length == 0) {
            for (int i = 0; i < parameters.size(); i++) {
                out.add(i);
            }
            return out;
        }
        for (String w : annotation.wrt()) {
            int i = parameters.indexOf(w);
            if (i < 0) {
                messager.printMessage(Diagnostic.Kind.ERROR, Message.UNKNOWN_WRT.format(w, m.getSimpleName(), parameters),
                        m, annotationMirror(m));
                return null;
            }
            if (out.contains(i)) {
                messager.printMessage(Diagnostic.Kind.ERROR, Message.DUPLICATE_WRT.format(w), m, annotationMirror(m));
                return null;
            }
            out.add(i);
        }
        return out;
    }

    private static AnnotationMirror annotationMirror(ExecutableElement m) {
        for (AnnotationMirror a : m.getAnnotationMirrors()) {
            if (a.getAnnotationType().toString().equals(ANNOTATION)) {
                return a;
            }
        }
        return null;
    }

    /** Describes another Tensor @Expression method for the chain rule, or returns null. */
    private TensorProgram.TensorCallee tensorCallee(ExecutableElement m) {
        Expression a = m.getAnnotation(Expression.class);
        if (a == null || !m.getModifiers().contains(Modifier.STATIC) || !isTensorMethod(m)
                || !(m.getEnclosingElement() instanceof TypeElement owner)) {
            return null;
        }
        recordCall(m);
        List<String> parameters = new ArrayList<>();
        for (VariableElement p : m.getParameters()) {
            parameters.add(p.getSimpleName().toString());
        }
        List<Integer> wrt = new ArrayList<>();
        for (int i = 0; i < parameters.size(); i++) {
            if (a.wrt().length == 0 || List.of(a.wrt()).contains(parameters.get(i))) {
                wrt.add(i);
            }
        }
        return new TensorProgram.TensorCallee(Names.gradientsClass(owner), Names.nodesRecord(owner, m),
                m.getSimpleName().toString(), List.copyOf(parameters), List.copyOf(wrt));
    }

    /** Describes another scalar @Expression method for the chain rule, or returns null. */
    private Callee callee(ExecutableElement m) {
        Expression a = m.getAnnotation(Expression.class);
        if (a == null || !m.getModifiers().contains(Modifier.STATIC)) {
            return null;
        }
        TypeKind kind = scalarKind(m);
        if (kind == null || !(m.getEnclosingElement() instanceof TypeElement owner)) {
            return null;
        }
        recordCall(m);
        List<String> parameters = new ArrayList<>();
        for (VariableElement p : m.getParameters()) {
            parameters.add(p.getSimpleName().toString());
        }
        List<Integer> wrt = new ArrayList<>();
        if (a.wrt().length == 0) {
            for (int i = 0; i < parameters.size(); i++) {
                wrt.add(i);
            }
        } else {
            for (String w : a.wrt()) {
                int i = parameters.indexOf(w);
                if (i >= 0) {
                    wrt.add(i);
                }
            }
        }
        wrt.sort(Comparator.naturalOrder());
        return new Callee(ClassName.get(owner), Names.gradientsClass(owner), Names.record(owner, m),
                m.getSimpleName().toString(), List.copyOf(parameters), List.copyOf(wrt), a.hessian(),
                kind == TypeKind.FLOAT);
    }

}
