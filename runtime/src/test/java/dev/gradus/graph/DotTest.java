package dev.gradus.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gradus.op.BinaryOps;
import dev.gradus.op.UnaryOps;
import dev.gradus.tensor.DType;
import dev.gradus.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DotTest {
    /** The nodes the DOT shows: all but those Grad.of built and discarded. */
    private static List<Node> live(Graph g) {
        List<Node> out = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (!n.isDiscarded()) {
                out.add(n);
            }
        }
        return out;
    }

    private static final Pattern NODE_STATEMENT = Pattern.compile("^\\s*n(\\d+) \\[label=<(.*)>\\];$", Pattern.MULTILINE);

    /** z = x + y, cost = sin(x * y), with the gradient of cost w.r.t. x and y. */
    private static final class Fixture {
        final Graph g = new Graph();
        final Node x = g.scalar(DType.FLOAT64, "x", 2.0);
        final Node y = g.scalar(DType.FLOAT64, "y", 2.5);
        final Node z = g.apply(BinaryOps.ADD, x, y);
        final Node product = g.apply(BinaryOps.MUL, x, y);
        final Node cost = g.apply(UnaryOps.SIN, product);
        final List<Node> grads = Grad.of(cost, x, y);
    }

    @Test
    void headerFollowsGorgoniaConventions() {
        String dot = new Fixture().g.toDot();
        assertTrue(dot.startsWith("digraph "), dot);
        assertTrue(dot.contains("rankdir=TB"), dot);
        assertTrue(dot.contains("fontname=\"monospace\""), dot);
        assertTrue(dot.contains("shape=none"), dot);
        assertTrue(dot.endsWith("}\n"), dot);
    }

    @Test
    void everyNodeHasExactlyOneHtmlTableLabel() {
        Fixture f = new Fixture();
        String dot = f.g.toDot();
        List<Integer> ids = new ArrayList<>();
        Matcher m = NODE_STATEMENT.matcher(dot);
        while (m.find()) {
            ids.add(Integer.parseInt(m.group(1)));
            assertTrue(m.group(2).startsWith("<TABLE") && m.group(2).endsWith("</TABLE>"), m.group(2));
        }
        List<Integer> expected = new ArrayList<>();
        for (Node n : live(f.g)) {
            expected.add(n.id());
        }
        assertEquals(new TreeSet<>(expected), new TreeSet<>(ids));
        assertEquals(expected.size(), ids.size(), "a node was declared twice:\n" + dot);
    }

    @Test
    void labelHasIdNameTypeOpShapeAndValue() {
        Fixture f = new Fixture();
        String dot = f.g.toDot();
        String x = label(dot, f.x);
        assertTrue(x.contains(">" + f.x.id() + "</TD>"), x);
        assertTrue(x.contains(">x :: float64()</TD>"), x);
        assertTrue(x.contains(">input</TD>"), x);
        assertTrue(x.contains(">()</TD>"), x);
        assertTrue(x.contains(">2</TD>"), x);

        String sin = label(dot, f.cost);
        assertTrue(sin.contains(">" + UnaryOps.SIN + "</TD>"), sin);
        assertFalse(sin.contains(">value</TD>"), "an op node that has not run has no value row: " + sin);

        Node one = f.g.constant(1.0, DType.FLOAT64);
        assertTrue(label(f.g.toDot(), one).contains(">constant</TD>"));
    }

    @Test
    void longValuesAreAbbreviated() {
        Graph g = new Graph();
        double[] data = new double[100];
        for (int i = 0; i < data.length; i++) {
            data[i] = i;
        }
        Node big = g.input("big", Tensor.of(data, 10, 10));
        Node small = g.input("small", Tensor.of(new double[] {1, 2, 3}, 3));
        String dot = g.toDot();
        assertTrue(label(dot, big).contains(">[0, 1, 2, 3, 4, 5, …] (100 elements)</TD>"), label(dot, big));
        assertTrue(label(dot, small).contains(">[1, 2, 3]</TD>"), label(dot, small));
    }

    @Test
    void bordersMarkRootsRedLeavesGreenAndOthersBlack() {
        Fixture f = new Fixture();
        String dot = f.g.toDot();
        for (Node root : f.g.roots()) {
            assertTrue(label(dot, root).contains("COLOR=\"red\""), label(dot, root));
        }
        assertTrue(f.g.roots().contains(f.z));
        assertTrue(label(dot, f.x).contains("COLOR=\"green\""), label(dot, f.x));
        assertTrue(label(dot, f.y).contains("COLOR=\"green\""), label(dot, f.y));
        assertTrue(label(dot, f.product).contains("COLOR=\"black\""), label(dot, f.product));
    }

    @Test
    void unusedLeafIsDrawnAsRoot() {
        Graph g = new Graph();
        Node lonely = g.scalar(DType.FLOAT64, "lonely", 1.0);
        assertTrue(label(g.toDot(), lonely).contains("COLOR=\"red\""));
    }

    @Test
    void onlyInputsAreFilledLightYellow() {
        Fixture f = new Fixture();
        String dot = f.g.toDot();
        for (Node n : live(f.g)) {
            assertEquals(n.isInput(), label(dot, n).contains("BGCOLOR=\"lightyellow\""), label(dot, n));
        }
    }

    @Test
    void clustersHoldInputsConstantsAndGradients() {
        Fixture f = new Fixture();
        String dot = f.g.toDot();
        assertEquals(List.of(f.x.id(), f.y.id()), clusterMembers(dot, "cluster_inputs"));
        assertTrue(dot.contains("label=\"inputs\""), dot);

        List<Integer> constants = new ArrayList<>();
        List<Integer> gradientsOnly = new ArrayList<>();
        for (Node n : live(f.g)) {
            if (n.isConstant()) {
                constants.add(n.id());
            }
        }
        for (Node grad : f.grads) {
            if (!grad.isConstant() && !grad.isInput()) {
                gradientsOnly.add(grad.id());
            }
        }
        // The seed constant 1 of Grad.of is folded away here (1 · cos(x·y) is cos(x·y)), so it is
        // discarded and not drawn; whatever constants remain are in their cluster.
        assertEquals(constants, clusterMembers(dot, "cluster_constants"));
        assertEquals(gradientsOnly, clusterMembers(dot, "cluster_gradients"));

        // Everything else is outside the clusters: z, x*y and sin(x*y) at least.
        String outside = withoutClusters(dot);
        for (Node n : List.of(f.z, f.product, f.cost)) {
            assertTrue(outside.contains("  n" + n.id() + " [label=<"), "n" + n.id() + " should be outside clusters");
        }
    }

    @Test
    void constantGradientGoesToConstantsClusterOnly() {
        Graph g = new Graph();
        Node x = g.scalar(DType.FLOAT64, "x", 2.0);
        Node y = g.scalar(DType.FLOAT64, "y", 2.5);
        Node z = g.apply(BinaryOps.ADD, x, y);
        Node dx = Grad.of(z, x, y).get(0);
        assertTrue(dx.isConstant(), "∂(x+y)/∂x is the constant 1");
        String dot = g.toDot();
        assertTrue(clusterMembers(dot, "cluster_constants").contains(dx.id()), dot);
        assertFalse(dot.contains("cluster_gradients"), "every gradient is a constant here:\n" + dot);
        assertEquals(1, count(dot, "  n" + dx.id() + " [label=<"), dot);
        assertTrue(dot.contains("n" + dx.id() + " -> n" + x.id() + " [style=dashed, constraint=false"), dot);
    }

    @Test
    void operandEdgesRunToTheirUsersWithPositionsForMultiInputOps() {
        Fixture f = new Fixture();
        String dot = f.g.toDot();
        assertTrue(dot.contains("  n" + f.x.id() + " -> n" + f.z.id() + " [label=\"0\"];\n"), dot);
        assertTrue(dot.contains("  n" + f.y.id() + " -> n" + f.z.id() + " [label=\"1\"];\n"), dot);
        assertTrue(dot.contains("  n" + f.product.id() + " -> n" + f.cost.id() + ";\n"), dot);
        int operandEdges = 0;
        for (Node n : live(f.g)) {
            operandEdges += n.inputs().size();
        }
        assertEquals(operandEdges + f.g.gradients().size(), count(dot, " -> "), dot);
    }

    @Test
    void gradientEdgesAreDashedAndDoNotConstrainLayout() {
        Fixture f = new Fixture();
        String dot = f.g.toDot();
        assertEquals(2, f.g.gradients().size());
        for (Graph.GradientBinding b : f.g.gradients()) {
            String edge = "  n" + b.gradient().id() + " -> n" + b.wrt().id() + " [";
            int at = dot.indexOf(edge);
            assertTrue(at >= 0, edge + " missing:\n" + dot);
            String attributes = dot.substring(at, dot.indexOf('\n', at));
            assertTrue(attributes.contains("style=dashed"), attributes);
            assertTrue(attributes.contains("constraint=false"), attributes);
        }
        assertEquals(2, count(dot, "constraint=false"), dot);
    }

    @Test
    void namesAreEscapedForHtmlLabels() {
        Fixture f = new Fixture();
        f.z.withName("a<b & c");
        String label = label(f.g.toDot(), f.z);
        assertTrue(label.contains(">a&lt;b &amp; c :: float64()</TD>"), label);
        assertFalse(label.contains("a<b"), label);

        Graph g = new Graph();
        Node q = g.scalar(DType.FLOAT64, "\"q\">", 1.0);
        assertTrue(label(g.toDot(), q).contains(">&quot;q&quot;&gt; :: float64()</TD>"), label(g.toDot(), q));
    }

    @Test
    void renderingIsDeterministic() {
        assertEquals(new Fixture().g.toDot(), new Fixture().g.toDot());
        Fixture f = new Fixture();
        assertEquals(f.g.toDot(), f.g.toDot());
    }

    @Test
    void graphvizRendersTheOutputToSvg(@TempDir Path dir) throws IOException {
        assumeTrue(Graphviz.isAvailable(), "Graphviz 'dot' is not on the PATH");
        Fixture f = new Fixture();
        f.z.withName("a<b & c");
        String dot = f.g.toDot();

        Path dotFile = Files.writeString(dir.resolve("g.dot"), dot, StandardCharsets.UTF_8);
        Path svgByHand = dir.resolve("by-hand.svg");
        Process p = new ProcessBuilder("dot", "-Tsvg", "-o", svgByHand.toString(), dotFile.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            assertEquals(0, p.waitFor(), log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        assertTrue(Files.readString(svgByHand).contains("<svg"));

        Path svg = Graphviz.render(dot, dir.resolve("sub/g.svg"), Graphviz.Format.SVG);
        assertTrue(Files.readString(svg).contains("<svg"));
        Path png = Graphviz.render(dot, dir.resolve("g.png"), Graphviz.Format.PNG);
        byte[] bytes = Files.readAllBytes(png);
        assertTrue(bytes.length > 8 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G');
    }

    @Test
    void graphvizFailureIncludesDotsErrors(@TempDir Path dir) {
        assumeTrue(Graphviz.isAvailable(), "Graphviz 'dot' is not on the PATH");
        IOException e = assertThrows(IOException.class,
                () -> Graphviz.render("digraph { a -> ; }", dir.resolve("bad.svg"), Graphviz.Format.SVG));
        assertTrue(e.getMessage().contains("exit status"), e.getMessage());
        assertTrue(e.getMessage().toLowerCase().contains("syntax error"), e.getMessage());
    }

    @Test
    void missingGraphvizFailsWithInstallAdvice(@TempDir Path dir) {
        String missing = dir.resolve("no-such-dot").toString();
        assertFalse(Graphviz.isAvailable(missing));
        IOException e = assertThrows(IOException.class, () -> Graphviz.render(new Fixture().g.toDot(),
                dir.resolve("g.svg"), Graphviz.Format.SVG, missing, Duration.ofSeconds(10)));
        assertTrue(e.getMessage().contains("was not found on the PATH; install graphviz (e.g. apt-get install graphviz) "
                + "or use Graph.toDot() and render it elsewhere"), e.getMessage());
        assertTrue(e.getCause() instanceof IOException, "the start failure is kept as the cause");
    }

    // ---------------------------------------------------------------- helpers

    private static String label(String dot, Node n) {
        Matcher m = NODE_STATEMENT.matcher(dot);
        while (m.find()) {
            if (Integer.parseInt(m.group(1)) == n.id()) {
                return m.group(2);
            }
        }
        throw new AssertionError("no label for n" + n.id() + " in:\n" + dot);
    }

    private static List<Integer> clusterMembers(String dot, String cluster) {
        int start = dot.indexOf("subgraph " + cluster + " {");
        if (start < 0) {
            return List.of();
        }
        int end = dot.indexOf("\n  }\n", start);
        List<Integer> ids = new ArrayList<>();
        Matcher m = NODE_STATEMENT.matcher(dot.substring(start, end + 1));
        while (m.find()) {
            ids.add(Integer.parseInt(m.group(1)));
        }
        return ids;
    }

    private static String withoutClusters(String dot) {
        return dot.replaceAll("(?s)  subgraph cluster_\\w+ \\{.*?\n  }\n", "");
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length())) {
            n++;
        }
        return n;
    }
}
