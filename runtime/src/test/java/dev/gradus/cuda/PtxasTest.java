package dev.gradus.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gradus.tensor.DType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles the generated PTX with the CUDA toolkit's {@code ptxas} for sm_75 and sm_90 (skipped
 * where ptxas is not installed). The module text of the samples is compiled as
 * {@link PtxKernels#module} returns it; every single-op kernel of both dtypes is compiled too,
 * with its entry gathered into one module per dtype to keep the number of ptxas runs small.
 */
class PtxasTest {
    private static final List<String> ARCHES = List.of("sm_75", "sm_90");
    private static final PtxKernels KERNELS = new PtxKernels();
    private static Path ptxas;

    @TempDir
    Path dir;

    @BeforeAll
    static void findPtxas() {
        ptxas = findOnPath();
        Assumptions.assumeTrue(ptxas != null, "ptxas is not on PATH nor in /usr/local/bin");
    }

    private static Path findOnPath() {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String p : path.split(java.io.File.pathSeparator)) {
                if (!p.isEmpty()) {
                    candidates.add(Path.of(p, "ptxas"));
                }
            }
        }
        candidates.add(Path.of("/usr/local/bin/ptxas"));
        candidates.add(Path.of("/usr/local/cuda/bin/ptxas"));
        return candidates.stream().filter(Files::isExecutable).findFirst().orElse(null);
    }

    private void compile(String name, String ptx) throws IOException, InterruptedException {
        Path source = dir.resolve(name + ".ptx");
        Files.writeString(source, ptx, StandardCharsets.UTF_8);
        // Both architectures at once: the runs are independent.
        List<Process> runs = new ArrayList<>();
        for (String arch : ARCHES) {
            runs.add(new ProcessBuilder(ptxas.toString(), "-arch=" + arch, "-o",
                    dir.resolve(name + "." + arch + ".cubin").toString(), source.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve(name + "." + arch + ".log").toFile())
                    .start());
        }
        for (int k = 0; k < ARCHES.size(); k++) {
            String arch = ARCHES.get(k);
            Process p = runs.get(k);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("ptxas -arch=" + arch + " on " + name + " took over 120 s");
            }
            Path log = dir.resolve(name + "." + arch + ".log");
            assertEquals(0, p.exitValue(), () -> "ptxas -arch=" + arch + " rejected " + name + ":\n" + read(log)
                    + "\n--- source " + source);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Test
    void fusedSampleModulesCompileAsGenerated() throws Exception {
        for (KernelSpec spec : SampleKernels.fused()) {
            for (DType dtype : List.of(DType.FLOAT32, DType.FLOAT64)) {
                compile(spec.entryName() + "_" + dtype, KERNELS.module(spec, dtype));
            }
        }
    }

    @Test
    void singleOpModulesCompileAsGenerated() throws Exception {
        // The exact text for one light and one table-using op of each arity.
        for (KernelSpec spec : SampleKernels.singleOps(KERNELS)) {
            String n = spec.entryName();
            if (n.equals("relu") || n.equals("cos") || n.equals("pow_sv") || n.equals("neMask_vs")) {
                for (DType dtype : List.of(DType.FLOAT32, DType.FLOAT64)) {
                    compile(n + "_" + dtype, KERNELS.module(spec, dtype));
                }
            }
        }
    }

    @Test
    void everySingleOpKernelCompiles() throws Exception {
        for (DType dtype : List.of(DType.FLOAT32, DType.FLOAT64)) {
            StringBuilder module = new StringBuilder(".version 6.0\n.target sm_50\n.address_size 64\n\n");
            PtxEmitter.declareTable(module);
            for (KernelSpec spec : SampleKernels.singleOps(KERNELS)) {
                module.append(entryOnly(KERNELS.module(spec, dtype))).append('\n');
            }
            compile("all_" + dtype, module.toString());
        }
    }

    /** The text of a module from its {@code .entry} on (the header and table are shared). */
    private static String entryOnly(String module) {
        int start = module.indexOf(".visible .entry");
        if (start < 0) {
            throw new AssertionError("no .entry in module:\n" + module);
        }
        return module.substring(start);
    }
}
