package dev.gradus.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gradus.io.Checkpoint.SaveHook;
import dev.gradus.io.Checkpoint.SaveStage;
import dev.gradus.tensor.DType;
import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @TempDir
    Path dir;

    // ---------------------------------------------------------------- round trips

    private static final double[] SPECIAL_DOUBLES = {
        0.0, -0.0, 1.5, -2.25, Double.NaN, Double.longBitsToDouble(0x7ff8_0000_0000_0abcL),
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE, Double.MAX_VALUE, Math.PI, 1e-300
    };
    private static final float[] SPECIAL_FLOATS = {
        0.0f, -0.0f, 1.5f, -2.25f, Float.NaN, Float.intBitsToFloat(0x7fc0_0abc),
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, Float.MAX_VALUE, (float) Math.PI, 1e-40f
    };
    private static final int[][] SHAPES = {{}, {7}, {3, 4}, {2, 1, 3}, {2, 3, 1, 2}, {0, 3}};

    /** A tensor whose elements cycle through the dtype's special values. */
    private static Tensor sample(DType dtype, int[] dims, int salt) {
        int n = Shape.of(dims).size();
        switch (dtype) {
            case FLOAT64: {
                double[] a = new double[n];
                for (int i = 0; i < n; i++) {
                    a[i] = SPECIAL_DOUBLES[(i + salt) % SPECIAL_DOUBLES.length] * (i / SPECIAL_DOUBLES.length + 1);
                }
                return Tensor.of(a, dims);
            }
            case FLOAT32: {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) {
                    a[i] = SPECIAL_FLOATS[(i + salt) % SPECIAL_FLOATS.length] * (i / SPECIAL_FLOATS.length + 1);
                }
                return Tensor.of(a, dims);
            }
            case INT32: {
                int[] a = new int[n];
                int[] special = {0, -1, 1, Integer.MIN_VALUE, Integer.MAX_VALUE, 123456789};
                for (int i = 0; i < n; i++) {
                    a[i] = special[(i + salt) % special.length] + i;
                }
                return Tensor.ofInts(a, dims);
            }
            default: {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    a[i] = ((i + salt) * 7 % 3 == 0) ? 1 : 0;
                }
                return Tensor.ofBools(a, dims);
            }
        }
    }

    /** Asserts same dtype, shape and elements bit for bit (row-major; either may be a view). */
    private static void assertBitExact(Tensor expected, Tensor actual, String what) {
        assertEquals(expected.dtype(), actual.dtype(), what);
        assertEquals(expected.shape(), actual.shape(), what);
        for (int k = 0; k < expected.size(); k++) {
            int e = expected.storageIndex(k);
            int a = actual.storageIndex(k);
            switch (expected.dtype()) {
                case FLOAT64 -> assertEquals(Double.doubleToRawLongBits(expected.float64Data()[e]),
                        Double.doubleToRawLongBits(actual.float64Data()[a]), what + " element " + k);
                case FLOAT32 -> assertEquals(Float.floatToRawIntBits(expected.float32Data()[e]),
                        Float.floatToRawIntBits(actual.float32Data()[a]), what + " element " + k);
                case INT32 -> assertEquals(expected.int32Data()[e], actual.int32Data()[a], what + " element " + k);
                case BOOL -> assertEquals(expected.int32Data()[e] != 0 ? 1 : 0, actual.int32Data()[a], what + " element " + k);
            }
        }
    }

    @Test
    void everyDtypeAndRankRoundTripsBitExactInOrder() throws IOException {
        Map<String, Tensor> saved = new LinkedHashMap<>();
        int salt = 0;
        for (DType dtype : DType.values()) {
            for (int[] dims : SHAPES) {
                saved.put(dtype + " " + Shape.of(dims) + " ünïcødé ✓", sample(dtype, dims, salt++));
            }
        }
        saved.put("", Tensor.scalar(-0.0));
        Path file = dir.resolve("all.ckpt");
        Checkpoint.save(file, saved);
        Map<String, Tensor> loaded = Checkpoint.load(file);
        assertEquals(List.copyOf(saved.keySet()), List.copyOf(loaded.keySet()), "insertion order");
        for (String name : saved.keySet()) {
            assertBitExact(saved.get(name), loaded.get(name), name);
            assertTrue(loaded.get(name).isContiguous());
        }
        assertEquals(Long.MIN_VALUE, Double.doubleToRawLongBits(loaded.get("").item()), "-0.0 keeps its sign");
    }

    @Test
    void anEmptyMapRoundTrips() throws IOException {
        Path file = dir.resolve("empty.ckpt");
        Checkpoint.save(file, Map.of());
        assertEquals(20, Files.size(file), "16-byte header + 4-byte checksum");
        assertTrue(Checkpoint.load(file).isEmpty());
    }

    @Test
    void boolsAreStoredAsZeroOrOne() throws IOException {
        Path file = dir.resolve("bool.ckpt");
        Checkpoint.save(file, Map.of("b", Tensor.ofBools(new int[] {0, 5, -1, 1}, 4)));
        assertArrayEquals(new int[] {0, 1, 1, 1}, Checkpoint.load(file).get("b").int32Data());
    }

    @Test
    void viewsAreSavedInRowMajorOrder() throws IOException {
        Map<String, Tensor> saved = new LinkedHashMap<>();
        for (DType dtype : DType.values()) {
            Tensor base = sample(dtype, new int[] {4, 5, 6}, 3);
            saved.put(dtype + " transposed", base.transpose(2, 0, 1));
            saved.put(dtype + " sliced backwards", base.slice(1, 4, 0, -2));
            saved.put(dtype + " offset slice", base.slice(0, 1, 3, 1));
            saved.put(dtype + " broadcast", sample(dtype, new int[] {1, 5}, 1).broadcastTo(Shape.of(3, 4, 5)));
        }
        Path file = dir.resolve("views.ckpt");
        Checkpoint.save(file, saved);
        Map<String, Tensor> loaded = Checkpoint.load(file);
        for (String name : saved.keySet()) {
            assertFalse(saved.get(name).isContiguous() && saved.get(name).offset() == 0, name + " is a real view");
            assertBitExact(saved.get(name), loaded.get(name), name);
        }
    }

    @Test
    void tensorsAndNamesLargerThanTheIoBufferRoundTrip() throws IOException {
        Map<String, Tensor> saved = new LinkedHashMap<>();
        saved.put("big float64", sample(DType.FLOAT64, new int[] {301, 307}, 0));
        saved.put("big float32 view", sample(DType.FLOAT32, new int[] {307, 301}, 1).transpose());
        saved.put("big int32", sample(DType.INT32, new int[] {70_001}, 2));
        saved.put("big bool", sample(DType.BOOL, new int[] {70_001}, 3));
        saved.put("n".repeat(70_000), Tensor.scalar(1.0f));
        Path file = dir.resolve("big.ckpt");
        Checkpoint.save(file, saved);
        Map<String, Tensor> loaded = Checkpoint.load(file);
        for (String name : saved.keySet()) {
            assertBitExact(saved.get(name), loaded.get(name), name.substring(0, Math.min(20, name.length())));
        }
    }

    @Test
    void theBytesOnDiskAreTheDocumentedFormat() throws IOException {
        Map<String, Tensor> saved = new LinkedHashMap<>();
        saved.put("w", Tensor.of(new float[] {1.0f, -2.0f, 0.5f, Float.NaN, 3.0f, -0.0f}, 2, 3));
        saved.put("é", Tensor.scalar(2.5));
        saved.put("i", Tensor.ofInts(new int[] {7, -7}, 2));
        saved.put("b", Tensor.ofBools(new int[] {1, 0, 1}, 3));
        Path file = dir.resolve("format.ckpt");
        Checkpoint.save(file, saved);

        ByteBuffer expected = ByteBuffer.allocate(200).order(ByteOrder.LITTLE_ENDIAN);
        expected.put("GRADUSCK".getBytes(StandardCharsets.US_ASCII)).putInt(1).putInt(4);
        expected.putInt(1).put((byte) 'w').put((byte) 1).put((byte) 2).putInt(2).putInt(3);
        for (float f : new float[] {1.0f, -2.0f, 0.5f, Float.NaN, 3.0f, -0.0f}) {
            expected.putInt(Float.floatToRawIntBits(f));
        }
        expected.putInt(2).put((byte) 0xc3).put((byte) 0xa9).put((byte) 2).put((byte) 0);
        expected.putLong(Double.doubleToRawLongBits(2.5));
        expected.putInt(1).put((byte) 'i').put((byte) 3).put((byte) 1).putInt(2).putInt(7).putInt(-7);
        expected.putInt(1).put((byte) 'b').put((byte) 4).put((byte) 1).putInt(3).put((byte) 1).put((byte) 0).put((byte) 1);
        CRC32C crc = new CRC32C();
        crc.update(expected.array(), 0, expected.position());
        expected.putInt((int) crc.getValue());
        byte[] bytes = new byte[expected.position()];
        expected.flip().get(bytes);

        assertArrayEquals(bytes, Files.readAllBytes(file));
    }

    @Test
    void savingCreatesParentDirectoriesAndOverwritesAtomically() throws IOException {
        Path file = dir.resolve("a/b/c/model.ckpt");
        Checkpoint.save(file, Map.of("x", Tensor.vector(1, 2, 3)));
        assertArrayEquals(new double[] {1, 2, 3}, Checkpoint.load(file).get("x").toDoubleArray());
        Checkpoint.save(file, Map.of("y", Tensor.scalar(4.0f)));
        Map<String, Tensor> loaded = Checkpoint.load(file);
        assertEquals(Set.of("y"), loaded.keySet());
        assertEquals(4.0, loaded.get("y").item());
        assertEquals(List.of(file), filesIn(file.getParent()), "no temporary file left behind");
        // a relative path works too
        Path relative = Path.of("").toAbsolutePath().relativize(dir.resolve("relative.ckpt"));
        assertFalse(relative.isAbsolute());
        Checkpoint.save(relative, Map.of("z", Tensor.scalar(1.0)));
        assertEquals(1.0, Checkpoint.load(dir.resolve("relative.ckpt")).get("z").item());
    }

    @Test
    void invalidInputIsRefusedBeforeAnythingIsWritten() {
        Path file = dir.resolve("never.ckpt");
        Map<String, Tensor> nullName = new LinkedHashMap<>();
        nullName.put(null, Tensor.scalar(1.0));
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.save(file, nullName));
        Map<String, Tensor> nullTensor = new LinkedHashMap<>();
        nullTensor.put("w", null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.save(file, nullTensor));
        assertTrue(e.getMessage().contains("'w'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.save(file, Map.of("bad\ud800", Tensor.scalar(1.0))));
        assertTrue(e.getMessage().contains("Unicode"), e.getMessage());
        assertFalse(Files.exists(file));
        assertEquals(List.of(), filesIn(dir));
    }

    // ---------------------------------------------------------------- corrupt files

    /** A small checkpoint with every dtype; its prefixes and bit flips make the corrupt files. */
    private byte[] smallCheckpoint() throws IOException {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("w", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        t.put("b", Tensor.vector(0.5, -0.5));
        t.put("step", Tensor.ofInts(new int[] {42}));
        t.put("mask", Tensor.ofBools(new int[] {1, 0}, 2));
        Path file = dir.resolve("small.ckpt");
        Checkpoint.save(file, t);
        return Files.readAllBytes(file);
    }

    private CheckpointException refused(byte[] contents, String name) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, contents);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(file));
        assertTrue(e.getMessage().startsWith("checkpoint " + file + ": "), e.getMessage());
        assertEquals(file, e.file());
        return e;
    }

    @Test
    void everyTruncationIsRefusedAsTruncated() throws IOException {
        byte[] whole = smallCheckpoint();
        for (int length = 0; length < whole.length; length++) {
            CheckpointException e = refused(java.util.Arrays.copyOf(whole, length), "truncated.ckpt");
            assertTrue(e.problem().contains("truncated"), "prefix of " + length + " bytes: " + e.getMessage());
        }
    }

    @Test
    void truncationInsideAnEntrySaysWhichEntryAndHowManyBytes() throws IOException {
        byte[] whole = smallCheckpoint();
        // header 16 + "w" entry (4 + 1 + 2 + 8 + 24 = 39): cut 10 bytes into w's data
        CheckpointException e = refused(java.util.Arrays.copyOf(whole, 16 + 15 + 10 + 4), "cut.ckpt");
        assertTrue(e.problem().contains("entry 0 of 4 ('w'), float32 (2, 3): its data needs 24 bytes"), e.problem());
        assertTrue(e.problem().contains("only 10 remain"), e.problem());
    }

    @Test
    void everySingleByteCorruptionIsRefused() throws IOException {
        byte[] whole = smallCheckpoint();
        int checksumMismatches = 0;
        for (int i = 0; i < whole.length; i++) {
            for (int mask : new int[] {0x01, 0x80, 0xff}) {
                byte[] corrupt = whole.clone();
                corrupt[i] ^= (byte) mask;
                CheckpointException e = refused(corrupt, "flipped.ckpt");
                if (e.problem().startsWith("checksum mismatch")) {
                    checksumMismatches++;
                }
            }
        }
        assertTrue(checksumMismatches > whole.length, "most flips are in data or names: " + checksumMismatches);
    }

    @Test
    void structuralProblemsAreNamed() throws IOException {
        byte[] whole = smallCheckpoint();

        assertProblem(refused("hello, this is not a checkpoint".getBytes(StandardCharsets.US_ASCII), "text.ckpt"),
                "bad magic bytes [68 65 6c 6c 6f 2c 20 74]");
        assertProblem(refused(new byte[] {'P', 'K', 3, 4}, "short.ckpt"), "bad magic");
        assertProblem(refused(new byte[0], "empty.ckpt"), "truncated: the file is 0 bytes");

        byte[] version = whole.clone();
        version[8] = 2;
        assertProblem(refused(version, "version.ckpt"), "unsupported format version 2; this Gradus reads version 1");

        byte[] data = whole.clone();
        data[35] ^= 0x10; // inside w's float data, which starts at byte 31
        assertProblem(refused(data, "data.ckpt"), "checksum mismatch");

        byte[] checksum = whole.clone();
        checksum[checksum.length - 1] ^= 0x01;
        assertProblem(refused(checksum, "checksum.ckpt"), "checksum mismatch");

        byte[] trailing = java.util.Arrays.copyOf(whole, whole.length + 3);
        assertProblem(refused(trailing, "trailing.ckpt"), "the 4 entries end at byte 112 but the checksum starts at byte 115");
    }

    @Test
    void absurdLengthsAreRefusedWithoutAllocating() throws IOException {
        // each forged file has a valid checksum, so only the structure checks can catch it
        assertProblem(refused(forge(b -> b.putInt(1).putInt(Integer.MAX_VALUE)), "name.ckpt"),
                "entry 0 of 1: its 2147483647-byte name needs 2147483647 bytes");
        assertProblem(refused(forge(b -> b.putInt(1).putInt(-5)), "negname.ckpt"), "entry 0 of 1: corrupt name length -5");
        assertProblem(refused(forge(b -> b.putInt(-1)), "count.ckpt"), "negative entry count -1");
        assertProblem(refused(forge(b -> b.putInt(Integer.MAX_VALUE)), "bigcount.ckpt"), "truncated or corrupt at entry 0 of 2147483647");
        assertProblem(refused(forge(b -> entryHeader(b, "x", 2, 1 << 20, 1 << 10)), "dims.ckpt"),
                "entry 0 of 1 ('x'), float64 (1048576, 1024): its data needs 8589934592 bytes");
        assertProblem(refused(forge(b -> entryHeader(b, "x", 1, 1 << 20, 1 << 20)), "overflow.ckpt"),
                "entry 0 of 1 ('x'): shape [1048576, 1048576] has more than 2^31-1 elements");
        assertProblem(refused(forge(b -> entryHeader(b, "x", 1, 3, -2)), "negdim.ckpt"), "axis 1 has negative size -2");
        assertProblem(refused(forge(b -> entryHeader(b, "x", 9)), "dtype.ckpt"), "unknown dtype code 9");
        assertProblem(refused(forge(b -> b.putInt(1).putInt(1).put((byte) 'x').put((byte) 1).put((byte) 255)), "rank.ckpt"),
                "its 255 dims needs 1020 bytes");
        assertProblem(refused(forge(b -> entryHeader(b, "m", 4, 1).put((byte) 2)), "bool.ckpt"), "bool element 0 is 2, not 0 or 1");
        assertProblem(refused(forge(b -> b.putInt(2)
                .putInt(1).put((byte) 'a').put((byte) 3).put((byte) 0).putInt(1)
                .putInt(1).put((byte) 'a').put((byte) 3).put((byte) 0).putInt(2)), "dup.ckpt"),
                "entry 1 of 2 ('a'): duplicate name");
        assertProblem(refused(forge(b -> b.putInt(1).putInt(2).put((byte) 0xc3).put((byte) 0x28)), "utf8.ckpt"),
                "the name is not valid UTF-8");
        assertProblem(refused(forge(b -> b.putInt(0).putInt(77)), "extra.ckpt"),
                "the 0 entries end at byte 16 but the checksum starts at byte 20 (4 unexpected bytes)");
    }

    /** Starts one entry (count 1): name, dtype code, dims. */
    private static ByteBuffer entryHeader(ByteBuffer b, String name, int dtypeCode, int... dims) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        b.putInt(1).putInt(n.length).put(n).put((byte) dtypeCode).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        return b;
    }

    private interface Body {
        void write(ByteBuffer afterVersion);
    }

    /** Magic, version 1, then {@code body} (starting with the entry count), then a valid checksum. */
    private static byte[] forge(Body body) {
        ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        b.put("GRADUSCK".getBytes(StandardCharsets.US_ASCII)).putInt(1);
        body.write(b);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    private static void assertProblem(CheckpointException e, String expected) {
        assertTrue(e.problem().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }

    @Test
    void aDirectoryOrAMissingFileIsNotACheckpoint() throws IOException {
        assertProblem(assertThrows(CheckpointException.class, () -> Checkpoint.load(dir)), "is a directory");
        IOException e = assertThrows(IOException.class, () -> Checkpoint.load(dir.resolve("missing.ckpt")));
        assertTrue(e.getMessage().contains("missing.ckpt"), e.getMessage());
    }

    // ---------------------------------------------------------------- crashes during save

    private static Map<String, Tensor> version(double v) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("w", Tensor.full(DType.FLOAT64, Shape.of(300, 300), v)); // larger than the I/O buffer
        t.put("b", Tensor.full(DType.FLOAT32, Shape.of(10), v));
        t.put("step", Tensor.scalar(DType.INT32, v));
        return t;
    }

    private static void assertVersion(double v, Map<String, Tensor> loaded) {
        assertEquals(Set.of("w", "b", "step"), loaded.keySet());
        for (Tensor t : loaded.values()) {
            for (double x : t.toDoubleArray()) {
                assertEquals(v, x);
            }
        }
    }

    private static List<Path> filesIn(Path directory) {
        try (Stream<Path> s = Files.list(directory)) {
            return s.sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aSaveThatFailsAtAnyStepLeavesThePreviousCheckpointAndNoTemporaryFile() throws IOException {
        Path file = dir.resolve("model.ckpt");
        Checkpoint.save(file, version(1));
        record Failure(SaveStage stage, int entry) {}
        List<Failure> failures = List.of(new Failure(SaveStage.ENTRY_WRITTEN, 0), new Failure(SaveStage.ENTRY_WRITTEN, 1),
                new Failure(SaveStage.ENTRY_WRITTEN, 2), new Failure(SaveStage.BEFORE_FORCE, -1),
                new Failure(SaveStage.BEFORE_RENAME, -1));
        List<Throwable> crashes = List.of(new IOException("disk full"), new IllegalStateException("bug"),
                new OutOfMemoryError("simulated"));
        for (Failure f : failures) {
            for (Throwable crash : crashes) {
                SaveHook hook = (stage, entry) -> {
                    if (stage == f.stage() && entry == f.entry()) {
                        throwUnchecked(crash);
                    }
                };
                Throwable thrown = assertThrows(Throwable.class, () -> Checkpoint.save(file, version(2), hook));
                assertSame(crash, thrown, f + " " + crash);
                assertVersion(1, Checkpoint.load(file));
                assertEquals(List.of(file), filesIn(dir), "temporary file removed after " + f + " " + crash);
            }
        }
        Checkpoint.save(file, version(3), SaveHook.NONE);
        assertVersion(3, Checkpoint.load(file));
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void throwUnchecked(Throwable t) throws T {
        throw (T) t;
    }

    @Test
    void aMapWhoseIterationFailsMidwayLeavesThePreviousCheckpoint() throws IOException {
        Path file = dir.resolve("model.ckpt");
        Checkpoint.save(file, version(1));
        Map<String, Tensor> failing = new AbstractMap<>() {
            @Override
            public Set<Map.Entry<String, Tensor>> entrySet() {
                return new AbstractSet<>() {
                    @Override
                    public Iterator<Map.Entry<String, Tensor>> iterator() {
                        Iterator<Map.Entry<String, Tensor>> inner = version(2).entrySet().iterator();
                        return new Iterator<>() {
                            private int served;

                            @Override
                            public boolean hasNext() {
                                return inner.hasNext();
                            }

                            @Override
                            public Map.Entry<String, Tensor> next() {
                                if (++served == 2) {
                                    throw new IllegalStateException("map changed during save");
                                }
                                return inner.next();
                            }
                        };
                    }

                    @Override
                    public int size() {
                        return 3;
                    }
                };
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Checkpoint.save(file, failing));
        assertEquals("map changed during save", e.getMessage());
        assertVersion(1, Checkpoint.load(file));
        assertEquals(List.of(file), filesIn(dir));
    }

    @Test
    void aKilledProcessLeavesACompleteCheckpoint() throws Exception {
        // After the child reports five saves it is saving again; the delays land the kill at
        // different points of that save (measured: most leave a temporary file, i.e. mid-save).
        for (int delayMillis : new int[] {1, 4}) {
            Path file = dir.resolve("killed-" + delayMillis + ".ckpt");
            killDuringSave(file, delayMillis);
            Map<String, Tensor> loaded = Checkpoint.load(file);
            double step = loaded.get("step").item();
            assertTrue(step >= 5, "step " + step);
            for (Tensor t : loaded.values()) {
                for (double x : t.toDoubleArray()) {
                    assertEquals(step, x, "every tensor comes from the same save");
                }
            }
        }
    }

    private static void killDuringSave(Path file, int delayMillis) throws Exception {
        String classpath = Stream.of(Checkpoint.class, Tensor.class, CrashingSaver.class)
                .map(CheckpointTest::classpathEntry)
                .distinct()
                .collect(Collectors.joining(java.io.File.pathSeparator));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", classpath, CrashingSaver.class.getName(), file.toString())
                .redirectErrorStream(true)
                .start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            int saved = 0;
            while (saved < 5 && (line = out.readLine()) != null) {
                if (line.startsWith("saved ")) {
                    saved = Integer.parseInt(line.substring(6));
                } else {
                    fail("child said: " + line);
                }
            }
            assertEquals(5, saved, "the child saved five checkpoints");
            Thread.sleep(delayMillis);
            child.destroyForcibly(); // SIGKILL: no shutdown hooks, no cleanup
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        } finally {
            child.destroyForcibly();
        }
    }

    private static String classpathEntry(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
