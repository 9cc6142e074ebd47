package dev.gradus.graph;

import dev.gradus.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Renders a {@link Graph} as Graphviz DOT text, following Gorgonia's conventions for
 * printing expression graphs. {@link Graph#toDot()} calls it; {@link Graphviz} turns the
 * text into SVG or PNG.
 *
 * <p>The output is a {@code digraph} laid out top to bottom in a monospace font. Each
 * node is named {@code n<id>} and drawn as an HTML-like table with one row each for the
 * id, {@code name :: type}, the op ({@code input}, {@code constant}, or the op's
 * {@link dev.gradus.op.Op#toString()}), the shape and, when the node has one, its value
 * (at most {@value #MAX_VALUE_ELEMENTS} elements; longer values print their first
 * elements, then {@code …} and the element count). Text is escaped for HTML labels, so
 * names such as {@code (x < y)} are safe.
 *
 * <p>Colours: roots ({@link Graph#roots()}) have a red border, leaves (inputs and
 * constants) a green one, other nodes a black one. An unused input or constant is both a
 * root and a leaf; it is drawn as a root (red), because an unused leaf is usually the
 * surprise worth seeing. Inputs are filled light yellow.
 *
 * <p>Clusters: {@code cluster_inputs} holds the inputs, {@code cluster_constants} the
 * constants, and {@code cluster_gradients} the gradient nodes recorded by {@link Grad#of}
 * ({@link Graph#gradients()}); every other node is outside any cluster. Graphviz needs
 * each node in one cluster, so a node in several categories goes to the first of inputs,
 * constants, gradients: the gradient of {@code x + y} with respect to {@code x} is the
 * constant 1, which is drawn among the constants. Empty clusters are left out.
 *
 * <p>Edges run from each operand to the node that uses it (data flow), labelled with the
 * argument position when the op has more than one input. Each recorded gradient adds a
 * dashed blue edge labelled {@code ∂} from the gradient node to the node it is taken with
 * respect to, with {@code constraint=false} so that it does not change the layout.
 *
 * <p>The output is deterministic: nodes appear in id order, operand edges in the order of
 * their consumers' ids, gradient edges in the order {@link Grad#of} recorded them.
 */
public final class Dot {
    /** The most value elements printed in a node's label. */
    public static final int MAX_VALUE_ELEMENTS = 8;

    /** How many leading elements an abbreviated value shows. */
    private static final int ABBREVIATED_HEAD = 6;

    private Dot() {
    }

    /**
     * Returns {@code g} as DOT text, as described in the class documentation. Reads the
     * graph and the nodes' current values; mutates nothing.
     *
     * @param g the graph to render
     * @return the DOT text, ending with a newline
     */
    public static String render(Graph g) {
        List<Node> all = g.nodes();
        // Nodes Grad.of built but discarded are not part of what runs; leave them out.
        List<Node> nodes = new ArrayList<>();
        for (Node n : all) {
            if (!n.isDiscarded()) {
                nodes.add(n);
            }
        }
        boolean[] root = new boolean[all.size()];
        for (Node n : g.roots()) {
            root[n.id()] = true;
        }
        boolean[] gradient = new boolean[all.size()];
        for (Graph.GradientBinding b : g.gradients()) {
            gradient[b.gradient().id()] = true;
        }

        List<Node> inputs = new ArrayList<>();
        List<Node> constants = new ArrayList<>();
        List<Node> gradients = new ArrayList<>();
        List<Node> others = new ArrayList<>();
        for (Node n : nodes) {
            if (n.isInput()) {
                inputs.add(n);
            } else if (n.isConstant()) {
                constants.add(n);
            } else if (gradient[n.id()]) {
                gradients.add(n);
            } else {
                others.add(n);
            }
        }

        StringBuilder sb = new StringBuilder();
        sb.append("digraph gradus {\n");
        sb.append("  graph [fontname=\"monospace\", rankdir=TB, nodesep=1, ranksep=0.5];\n");
        sb.append("  node [fontname=\"monospace\", shape=none, margin=0];\n");
        sb.append("  edge [fontname=\"monospace\"];\n");
        appendCluster(sb, "cluster_inputs", "inputs", inputs, root);
        appendCluster(sb, "cluster_constants", "constants", constants, root);
        appendCluster(sb, "cluster_gradients", "gradients", gradients, root);
        for (Node n : others) {
            appendNode(sb, "  ", n, root[n.id()]);
        }
        for (Node n : nodes) {
            List<Node> operands = n.inputs();
            for (int i = 0; i < operands.size(); i++) {
                sb.append("  ").append(nodeName(operands.get(i))).append(" -> ").append(nodeName(n));
                if (operands.size() > 1) {
                    sb.append(" [label=\"").append(i).append("\"]");
                }
                sb.append(";\n");
            }
        }
        // One edge per (gradient, wrt) pair: bindings that differ only in cost would draw the same arrow.
        Set<List<Integer>> drawn = new HashSet<>();
        for (Graph.GradientBinding b : g.gradients()) {
            if (drawn.add(List.of(b.gradient().id(), b.wrt().id()))) {
                sb.append("  ").append(nodeName(b.gradient())).append(" -> ").append(nodeName(b.wrt()))
                        .append(" [style=dashed, constraint=false, color=\"blue\", fontcolor=\"blue\", label=\"∂\"];\n");
            }
        }
        sb.append("}\n");
        return sb.toString();
    }

    private static void appendCluster(StringBuilder sb, String id, String label, List<Node> members, boolean[] root) {
        if (members.isEmpty()) {
            return;
        }
        sb.append("  subgraph ").append(id).append(" {\n");
        sb.append("    label=\"").append(label).append("\";\n");
        sb.append("    style=rounded;\n");
        for (Node n : members) {
            appendNode(sb, "    ", n, root[n.id()]);
        }
        sb.append("  }\n");
    }

    private static void appendNode(StringBuilder sb, String indent, Node n, boolean isRoot) {
        String border = isRoot ? "red" : (n.isInput() || n.isConstant()) ? "green" : "black";
        sb.append(indent).append(nodeName(n)).append(" [label=<<TABLE BORDER=\"2\" CELLBORDER=\"1\" CELLSPACING=\"0\"")
                .append(" CELLPADDING=\"3\" COLOR=\"").append(border).append('"');
        if (n.isInput()) {
            sb.append(" BGCOLOR=\"lightyellow\"");
        }
        sb.append('>');
        appendRow(sb, "id", Integer.toString(n.id()));
        appendRow(sb, "name", n.name() + " :: " + n.type());
        appendRow(sb, "op", n.isInput() ? "input" : n.isConstant() ? "constant" : n.op().toString());
        appendRow(sb, "shape", n.shape().toString());
        if (n.hasValue()) {
            appendRow(sb, "value", formatValue(n.value()));
        }
        sb.append("</TABLE>>];\n");
    }

    private static void appendRow(StringBuilder sb, String key, String value) {
        sb.append("<TR><TD ALIGN=\"LEFT\">").append(key).append("</TD><TD ALIGN=\"LEFT\">");
        escapeHtml(sb, value);
        sb.append("</TD></TR>");
    }

    /** Prints at most {@link #MAX_VALUE_ELEMENTS} elements, row-major. */
    static String formatValue(Tensor value) {
        StringBuilder sb = new StringBuilder();
        int size = value.size();
        if (size <= MAX_VALUE_ELEMENTS) {
            value.appendValues(sb, MAX_VALUE_ELEMENTS);
            return sb.toString();
        }
        // Copy the head into a small tensor so that elements print exactly as Tensor prints them.
        Tensor head = Tensor.zeros(value.dtype(), ABBREVIATED_HEAD);
        for (int k = 0; k < ABBREVIATED_HEAD; k++) {
            head.setFlat(k, value.getFlat(k));
        }
        head.appendValues(sb, ABBREVIATED_HEAD);
        sb.setLength(sb.length() - 1);
        return sb.append(", …] (").append(size).append(" elements)").toString();
    }

    /** Escapes the characters that are special in Graphviz HTML-like labels. */
    static void escapeHtml(StringBuilder sb, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\n' -> sb.append("<BR/>");
                default -> sb.append(c);
            }
        }
    }

    private static String nodeName(Node n) {
        return "n" + n.id();
    }
}
