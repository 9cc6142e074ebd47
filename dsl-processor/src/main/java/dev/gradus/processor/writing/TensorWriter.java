package dev.gradus.processor.writing;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.NameAllocator;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeSpec;
import dev.gradus.op.Partial;
import dev.gradus.processor.Names;
import dev.gradus.processor.model.TensorProgram;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.Modifier;

/**
 * Writes the generated members for one Tensor {@code @Expression} method:
 * <ul>
 * <li>{@code mNodes(Node...)}: the graph builder of the body;</li>
 * <li>{@code mGradientNodes(Node...)}: the forward nodes plus the derivative nodes, returned
 * as the record {@code MNodes}. The reverse sweep is written here, at compile time: each
 * step's rule comes from the op table and is applied now through {@link SourceBuilder};</li>
 * <li>{@code m(Tensor...)}: value and gradients as tensors (the record {@code M}), through a
 * {@code CachedGradient} that compiles one TapeMachine program per input signature.</li>
 * </ul>
 */
public final class TensorWriter {
    private static final ClassName TENSOR = ClassName.get("dev.gradus.tensor", "Tensor");
    private static final ClassName GRAPH_BUILDER = ClassName.get("dev.gradus.graph", "GraphBuilder");
    private static final ClassName CACHED = ClassName.get("dev.gradus.vm", "CachedGradient");

    private TensorWriter() {
    }

    /** Adds the members for {@code m} to {@code cls}. */
    public static void write(TensorMethod m, TypeSpec.Builder cls) {
        ClassName nodesRecord = Names.nodesRecord(m.type(), m.method());
        ClassName tensorRecord = Names.record(m.type(), m.method());
        String link = link(m);
        cls.addType(record(nodesRecord, SourceBuilder.NODE, m, "The value node and gradient nodes of {@link " + link + "}."));
        cls.addType(record(tensorRecord, TENSOR, m, "The value and gradients of {@link " + link + "}, as new tensors."));
        cls.addMethod(nodesMethod(m, link));
        cls.addMethod(gradientNodesMethod(m, nodesRecord, link, false));
        cls.addMethod(gradientNodesMethod(m, nodesRecord, link, true));
        String field = Names.constant(m.name(), "PROGRAMS");
        cls.addField(cacheField(m, field, nodesRecord));
        cls.addMethod(tensorMethod(m, tensorRecord, field, link));
        cls.addMethod(MethodSpec.methodBuilder(m.name() + "Programs")
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("Returns the cache of compiled programs behind {@link #$L}, one per input signature.\n",
                        m.name() + "(" + tensorParams(m) + ")")
                .returns(CACHED)
                .addStatement("return $N", field)
                .build());
    }

    private static String tensorParams(TensorMethod m) {
        List<String> t = new ArrayList<>();
        for (int i = 0; i < m.parameters().size(); i++) {
            t.add("Tensor");
        }
        return String.join(", ", t);
    }

    private static String link(TensorMethod m) {
        return m.type().getQualifiedName() + "#" + m.name() + "(" + tensorParams(m).replace("Tensor", TENSOR.canonicalName())
                + ")";
    }

    private static List<String> components(TensorMethod m) {
        List<String> out = new ArrayList<>();
        out.add("value");
        for (int i : m.wrt()) {
            out.add(Names.partial(m.parameters().get(i)));
        }
        return out;
    }

    private static TypeSpec record(ClassName name, ClassName type, TensorMethod m, String doc) {
        MethodSpec.Builder ctor = MethodSpec.constructorBuilder();
        for (String c : components(m)) {
            ctor.addParameter(type, c);
        }
        return TypeSpec.recordBuilder(name).addModifiers(Modifier.PUBLIC).addJavadoc(doc + "\n").recordConstructor(ctor.build())
                .build();
    }

    private static List<ParameterSpec> parameters(TensorMethod m, ClassName type) {
        List<ParameterSpec> out = new ArrayList<>();
        for (String p : m.parameters()) {
            out.add(ParameterSpec.builder(type, p).build());
        }
        return out;
    }

    /** Writes the forward steps; returns each step's local (parameters keep their names). */
    private static String[] forward(TensorMethod m, CodeBlock.Builder code, NameAllocator names, String builder) {
        TensorProgram p = m.program();
        String[] local = new String[p.steps().size()];
        for (TensorProgram.Step s : p.steps()) {
            switch (s.kind()) {
                case PARAMETER -> local[s.index()] = m.parameters().get(s.parameter());
                case CONSTANT -> {
                    local[s.index()] = names.newName("c" + s.index());
                    code.addStatement("$T $N = $N.constant($L, $N)", SourceBuilder.NODE, local[s.index()], builder,
                            CodeEmitter.literal(s.constant()), local[s.like()]);
                }
                case CALL -> {
                    List<String> args = new ArrayList<>();
                    for (TensorProgram.Arg a : s.args()) {
                        args.add(a.isStep() ? local[a.step()] : a.literal());
                    }
                    local[s.index()] = names.newName("t" + s.index());
                    if (s.callee() != null) {
                        code.addStatement("$T $N = $T.$N($L)", SourceBuilder.NODE, local[s.index()], s.callee().gradients(),
                                Names.nodesMethod(s.callee().method()), String.join(", ", args));
                    } else {
                        code.addStatement("$T $N = $T.$N($L)", SourceBuilder.NODE, local[s.index()], SourceBuilder.OPS,
                                s.method(), String.join(", ", args));
                    }
                }
            }
        }
        return local;
    }

    private static boolean hasConstants(TensorMethod m) {
        for (TensorProgram.Step s : m.program().steps()) {
            if (s.kind() == TensorProgram.Kind.CONSTANT) {
                return true;
            }
        }
        return false;
    }

    private static NameAllocator allocator(TensorMethod m) {
        NameAllocator names = new NameAllocator();
        for (String p : m.parameters()) {
            names.newName(p, "param:" + p);
        }
        return names;
    }

    private static MethodSpec nodesMethod(TensorMethod m, String link) {
        NameAllocator names = allocator(m);
        CodeBlock.Builder code = CodeBlock.builder();
        String builder = names.newName("builder");
        if (hasConstants(m)) {
            code.addStatement("$T $N = $N.graph().builder()", GRAPH_BUILDER, builder, m.parameters().get(0));
        }
        String[] local = forward(m, code, names, builder);
        code.addStatement("return $N", local[m.program().result()]);
        return MethodSpec.methodBuilder(Names.nodesMethod(m.name()))
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("Builds the nodes of {@link $L} on the graph of the arguments; nothing runs.\n\n"
                        + "@return the value node\n@throws IllegalArgumentException if shapes or dtypes do not fit, "
                        + "naming the op and nodes\n", link)
                .addParameters(parameters(m, SourceBuilder.NODE))
                .returns(SourceBuilder.NODE)
                .addCode(code.build())
                .build();
    }

    private static MethodSpec gradientNodesMethod(TensorMethod m, ClassName record, String link, boolean seeded) {
        NameAllocator names = allocator(m);
        CodeBlock.Builder code = CodeBlock.builder();
        String seed = seeded ? names.newName("gradient") : null;
        String builder = names.newName("builder");
        String first = seeded ? null : names.newName("firstNew");
        if (!seeded) {
            code.addStatement("int $N = $N.graph().nodes().size()", first, m.parameters().get(0));
        }
        code.addStatement("$T $N = $N.graph().builder()", GRAPH_BUILDER, builder, m.parameters().get(0));
        String[] local = forward(m, code, names, builder);
        TensorProgram p = m.program();
        String value = local[p.result()];
        if (seeded) {
            code.beginControlFlow("if (!$N.type().equals($N.type()))", seed, value)
                    .addStatement("throw new $T($S + $N.type() + $S + $N.type())", IllegalArgumentException.class,
                            m.name() + "Vjp: the output gradient is ", seed, " but the value is ", value)
                    .endControlFlow();
        } else {
            code.beginControlFlow("if (!$N.shape().isScalar())", value)
                    .addStatement("throw new $T($S + $N.shape() + $S)", IllegalArgumentException.class,
                            m.name() + ": the value has shape ", value, "; gradients need a scalar value (shape ())")
                    .endControlFlow();
        }

        boolean[] depends = new boolean[p.steps().size()];
        for (TensorProgram.Step s : p.steps()) {
            if (s.kind() == TensorProgram.Kind.PARAMETER) {
                depends[s.index()] = m.wrt().contains(s.parameter());
            } else if (s.kind() == TensorProgram.Kind.CALL) {
                for (int in : s.inputs()) {
                    depends[s.index()] |= depends[in];
                }
            }
        }
        SourceBuilder b = new SourceBuilder(names, builder);
        Map<Integer, List<String>> contributions = new HashMap<>();
        contributions.computeIfAbsent(p.result(), k -> new ArrayList<>()).add(seeded ? seed : b.constant(1.0, value));
        for (int i = p.steps().size() - 1; i >= 0; i--) {
            TensorProgram.Step s = p.step(i);
            List<String> parts = contributions.get(i);
            if (parts == null || !depends[i] || s.kind() != TensorProgram.Kind.CALL) {
                continue;
            }
            String g = sum(b, parts);
            List<String> inputs = new ArrayList<>();
            for (int in : s.inputs()) {
                inputs.add(local[in]);
            }
            if (s.callee() != null) {
                // Another @Expression method: its generated vector-Jacobian product, not a copy of its body.
                TensorProgram.TensorCallee c = s.callee();
                String v = names.newName("vjp" + i);
                List<String> callArgs = new ArrayList<>();
                callArgs.add(g);
                callArgs.addAll(inputs);
                String[] uses = callArgs.toArray(new String[0]);
                b.add(v, CodeBlock.of("$T $N = $T.$N($L)", c.nodesRecord(), v, c.gradients(), Names.vjpMethod(c.method()),
                        String.join(", ", callArgs)), uses);
                for (int k = 0; k < s.inputs().size(); k++) {
                    // The lowering checked that every parameter a gradient flows through is in the callee's wrt.
                    if (depends[s.inputs().get(k)] && c.wrt().contains(k)) {
                        String part = b.assign(CodeBlock.of("$N.$N()", v, Names.partial(c.parameters().get(k))), v);
                        contributions.computeIfAbsent(s.inputs().get(k), x -> new ArrayList<>()).add(part);
                    }
                }
            } else {
                // The op's rule, applied now: it writes the statements for this step's gradient.
                List<Partial<String>> partials = s.rule().vjp(b, inputs, local[i], g);
                for (int k = 0; k < partials.size(); k++) {
                    if (depends[s.inputs().get(k)] && partials.get(k).isPresent()) {
                        contributions.computeIfAbsent(s.inputs().get(k), x -> new ArrayList<>()).add(partials.get(k).get());
                    }
                }
            }
        }
        List<String> results = new ArrayList<>();
        results.add(value);
        for (int w : m.wrt()) {
            int step = p.parameter(w);
            List<String> parts = contributions.get(step);
            String param = m.parameters().get(w);
            results.add(parts == null
                    ? b.assign(CodeBlock.of("$N.graph().constant($T.zeros($N.dtype(), $N.shape()))", param, TENSOR, param, param),
                            param)
                    : sum(b, parts));
        }
        b.emit(code, results);
        if (!seeded) {
            // Rules (and callees' vector-Jacobian products) build gradients for inputs nobody
            // asked for; machines skip what the results do not use.
            code.addStatement("$N.graph().discardUnused($N, $T.of($L))", m.parameters().get(0), first, List.class,
                    String.join(", ", results));
        }
        code.addStatement("return new $T($L)", record, String.join(", ", results));
        MethodSpec.Builder method = MethodSpec.methodBuilder(seeded ? Names.vjpMethod(m.name())
                : Names.gradientNodesMethod(m.name())).addModifiers(Modifier.PUBLIC, Modifier.STATIC);
        if (seeded) {
            method.addJavadoc("Builds the nodes of {@link $L} and its vector-Jacobian product: the gradients, with "
                    + "respect to each wrt parameter, of Σ {@code $L} ⊙ value (what a caller's reverse sweep needs); "
                    + "nothing runs.\n\n@param $L the gradient of some cost with respect to the value (same type)\n"
                    + "@return the value node and one gradient node per wrt parameter\n"
                    + "@throws IllegalArgumentException if shapes or dtypes do not fit\n", link, seed, seed)
                    .addParameter(SourceBuilder.NODE, seed)
                    .addParameters(parameters(m, SourceBuilder.NODE))
                    .returns(record)
                    .addCode(code.build());
            return method.build();
        }
        return method
                .addJavadoc("Builds the nodes of {@link $L} and of its gradients on the graph of the arguments (the "
                        + "derivative code was generated at compile time from the op table's rules); nothing runs.\n\n"
                        + "@return the value node and one gradient node per wrt parameter\n"
                        + "@throws IllegalArgumentException if shapes or dtypes do not fit, or the value is not a scalar\n",
                        link)
                .addParameters(parameters(m, SourceBuilder.NODE))
                .returns(record)
                .addCode(code.build())
                .build();
    }

    private static String sum(SourceBuilder b, List<String> parts) {
        String total = parts.get(0);
        for (int i = 1; i < parts.size(); i++) {
            total = b.add(total, parts.get(i));
        }
        return total;
    }

    private static FieldSpec cacheField(TensorMethod m, String field, ClassName nodesRecord) {
        List<String> quoted = new ArrayList<>();
        List<String> args = new ArrayList<>();
        for (int i = 0; i < m.parameters().size(); i++) {
            quoted.add("\"" + m.parameters().get(i) + "\"");
            args.add("inputs.get(" + i + ")");
        }
        List<String> outs = new ArrayList<>();
        for (String c : components(m)) {
            outs.add("n." + c + "()");
        }
        CodeBlock init = CodeBlock.builder()
                .add("new $T($S, $T.of($L), inputs -> {\n", CACHED, m.name(), List.class, String.join(", ", quoted))
                .indent()
                .addStatement("$T n = $N($L)", nodesRecord, Names.gradientNodesMethod(m.name()), String.join(", ", args))
                .addStatement("return $T.of($L)", List.class, String.join(", ", outs))
                .unindent()
                .add("})")
                .build();
        return FieldSpec.builder(CACHED, field, Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .initializer(init)
                .build();
    }

    private static MethodSpec tensorMethod(TensorMethod m, ClassName record, String field, String link) {
        List<String> args = new ArrayList<>(m.parameters());
        String result = Names.free("result", m.parameters());
        List<String> outs = new ArrayList<>();
        for (int i = 0; i < components(m).size(); i++) {
            outs.add(result + "[" + i + "]");
        }
        return MethodSpec.methodBuilder(m.name())
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("Computes {@link $L} and its gradients. The first call with a given list of dtypes and "
                        + "shapes compiles a TapeMachine program, which later calls with the same signature reuse "
                        + "(thread-safe).\n\n@return new tensors: the value and one gradient per wrt parameter\n"
                        + "@throws IllegalArgumentException if shapes or dtypes do not fit, or the value is not a scalar\n",
                        link)
                .addParameters(parameters(m, TENSOR))
                .returns(record)
                .addStatement("$T $N = $N.evaluate($L)", ArrayTypeName.of(TENSOR), result, field, String.join(", ", args))
                .addStatement("return new $T($L)", record, String.join(", ", outs))
                .build();
    }

}
