package dev.gradus.processor.lowering;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.Tree;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.Elements;

/**
 * Resolves the names a method body uses — classes, static fields, static methods — the way
 * javac would, from the declarations in scope and the compilation unit's imports.
 *
 * <p>Annotation processors run before javac attributes method bodies, so the body's trees
 * carry no symbols yet; the declarations they refer to are available, and this class finds
 * them: enclosing classes (innermost first), single-type and on-demand imports, the
 * package, {@code java.lang}, and static imports.
 */
final class NameResolver {
    private final Elements elements;
    private final TypeElement enclosing;
    private final CompilationUnitTree unit;

    NameResolver(Elements elements, TypeElement enclosing, CompilationUnitTree unit) {
        this.elements = elements;
        this.enclosing = enclosing;
        this.unit = unit;
    }

    /** Returns the class a qualifier names ({@code Math}, {@code java.lang.Math}, {@code Outer.Inner}), or null. */
    TypeElement resolveClass(ExpressionTree qualifier) {
        if (qualifier instanceof IdentifierTree id) {
            return resolveSimpleClass(id.getName().toString());
        }
        if (qualifier instanceof MemberSelectTree select) {
            TypeElement outer = resolveClass(select.getExpression());
            String name = select.getIdentifier().toString();
            if (outer != null) {
                return memberClass(outer, name);
            }
            return elements.getTypeElement(select.toString());
        }
        return null;
    }

    private TypeElement resolveSimpleClass(String name) {
        for (Element e = enclosing; e instanceof TypeElement t; e = t.getEnclosingElement()) {
            if (t.getSimpleName().contentEquals(name)) {
                return t;
            }
            TypeElement member = memberClass(t, name);
            if (member != null) {
                return member;
            }
        }
        for (ImportTree imp : unit.getImports()) {
            if (!imp.isStatic() && imp.getQualifiedIdentifier() instanceof MemberSelectTree q
                    && q.getIdentifier().contentEquals(name)) {
                TypeElement t = elements.getTypeElement(q.toString());
                if (t != null) {
                    return t;
                }
            }
        }
        String pkg = packageName();
        TypeElement same = elements.getTypeElement(pkg.isEmpty() ? name : pkg + "." + name);
        if (same != null) {
            return same;
        }
        for (ImportTree imp : unit.getImports()) {
            if (!imp.isStatic() && imp.getQualifiedIdentifier() instanceof MemberSelectTree q
                    && q.getIdentifier().contentEquals("*")) {
                TypeElement t = elements.getTypeElement(q.getExpression() + "." + name);
                if (t != null) {
                    return t;
                }
            }
        }
        return elements.getTypeElement("java.lang." + name);
    }

    private static TypeElement memberClass(TypeElement outer, String name) {
        for (Element e : outer.getEnclosedElements()) {
            if (e instanceof TypeElement t && t.getSimpleName().contentEquals(name)) {
                return t;
            }
        }
        return null;
    }

    private String packageName() {
        Element e = enclosing;
        while (!(e instanceof PackageElement)) {
            e = e.getEnclosingElement();
        }
        return ((PackageElement) e).getQualifiedName().toString();
    }

    /** Returns true if the identifier names a field visible here (so a qualifier of that name is a variable). */
    boolean isField(IdentifierTree id) {
        return resolveField(id) != null;
    }

    /** Returns the field an identifier or member select names (not a local), or null. */
    VariableElement resolveField(ExpressionTree e) {
        if (e instanceof MemberSelectTree select) {
            TypeElement owner = resolveClass(select.getExpression());
            return owner == null ? null : field(owner, select.getIdentifier().toString());
        }
        if (e instanceof IdentifierTree id) {
            String name = id.getName().toString();
            for (Element t = enclosing; t instanceof TypeElement type; t = type.getEnclosingElement()) {
                VariableElement f = field(type, name);
                if (f != null) {
                    return f;
                }
            }
            for (TypeElement owner : staticImportOwners(name)) {
                VariableElement f = field(owner, name);
                if (f != null) {
                    return f;
                }
            }
        }
        return null;
    }

    private VariableElement field(TypeElement owner, String name) {
        for (Element e : elements.getAllMembers(owner)) {
            if (e.getKind() == ElementKind.FIELD && e.getSimpleName().contentEquals(name)) {
                return (VariableElement) e;
            }
        }
        return null;
    }

    /**
     * Returns the methods a call's method select may name, that accept {@code arity} arguments:
     * from the named class for {@code Type.m(...)}, else from the enclosing classes
     * (innermost first) and then static imports.
     */
    List<ExecutableElement> resolveMethods(ExpressionTree select, int arity) {
        List<ExecutableElement> out = new ArrayList<>();
        if (select instanceof MemberSelectTree ms) {
            TypeElement owner = resolveClass(ms.getExpression());
            if (owner != null) {
                methods(owner, ms.getIdentifier().toString(), arity, out);
            }
            return out;
        }
        if (select instanceof IdentifierTree id) {
            String name = id.getName().toString();
            for (Element t = enclosing; t instanceof TypeElement type; t = type.getEnclosingElement()) {
                methods(type, name, arity, out);
                if (!out.isEmpty()) {
                    return out;
                }
            }
            for (TypeElement owner : staticImportOwners(name)) {
                methods(owner, name, arity, out);
                if (!out.isEmpty()) {
                    return out;
                }
            }
        }
        return out;
    }

    private void methods(TypeElement owner, String name, int arity, List<ExecutableElement> out) {
        for (Element e : elements.getAllMembers(owner)) {
            if (e.getKind() == ElementKind.METHOD && e.getSimpleName().contentEquals(name)) {
                ExecutableElement m = (ExecutableElement) e;
                int n = m.getParameters().size();
                if (n == arity || (m.isVarArgs() && arity >= n - 1)) {
                    out.add(m);
                }
            }
        }
    }

    /** Returns the classes whose static member {@code name} is imported, single imports first. */
    private List<TypeElement> staticImportOwners(String name) {
        List<TypeElement> single = new ArrayList<>();
        List<TypeElement> demand = new ArrayList<>();
        for (ImportTree imp : unit.getImports()) {
            if (!imp.isStatic()) {
                continue;
            }
            Tree q = imp.getQualifiedIdentifier();
            if (q instanceof MemberSelectTree ms) {
                TypeElement owner = elements.getTypeElement(ms.getExpression().toString());
                if (owner == null) {
                    continue;
                }
                if (ms.getIdentifier().contentEquals(name)) {
                    single.add(owner);
                } else if (ms.getIdentifier().contentEquals("*")) {
                    demand.add(owner);
                }
            }
        }
        single.addAll(demand);
        return single;
    }
}
