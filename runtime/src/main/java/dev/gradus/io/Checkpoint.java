package dev.gradus.io;

import dev.gradus.tensor.DType;
import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32C;

/**
 * Saves and loads checkpoints: named tensors (a model's parameters, a solver's state) in one
 * file, in the binary format below (also described in docs/CHECKPOINT_FORMAT.md).
 *
 * <pre>{@code
 * Map<String, Tensor> state = new LinkedHashMap<>();
 * state.put("layer1/w", w1);
 * state.put("adam/m/layer1/w", m1);
 * Checkpoint.save(Path.of("runs/mlp.ckpt"), state);
 * Map<String, Tensor> back = Checkpoint.load(Path.of("runs/mlp.ckpt"));
 * }</pre>
 *
 * <h2>Safety</h2>
 * {@link #save} writes to a temporary file in the target's directory, forces it to the
 * storage device ({@link FileChannel#force}), then renames it over the target in one atomic
 * step ({@link StandardCopyOption#ATOMIC_MOVE}). A reader therefore sees the previous
 * checkpoint or the new one, never a mix; a save that fails or a process that dies during a
 * save leaves the previous checkpoint intact. A failed save deletes its temporary file; a
 * killed process can leave one behind, named {@code .<target name>.<random>.tmp}, which
 * {@link #load} never reads. {@link #load} checks every length against the file's size
 * before allocating anything and verifies the checksum, and refuses a bad file with a
 * {@link CheckpointException} naming the file and the problem.
 *
 * <h2>Format, version 1</h2>
 * All integers are little-endian; offsets are in bytes.
 * <table>
 *   <caption>Layout</caption>
 *   <tr><th>field</th><th>size</th><th>contents</th></tr>
 *   <tr><td>magic</td><td>8</td><td>ASCII {@code GRADUSCK}</td></tr>
 *   <tr><td>version</td><td>4</td><td>int32, {@value #FORMAT_VERSION}</td></tr>
 *   <tr><td>entry count</td><td>4</td><td>int32 n ≥ 0</td></tr>
 *   <tr><td colspan="3">n entries, each:</td></tr>
 *   <tr><td>name length</td><td>4</td><td>int32 L ≥ 0</td></tr>
 *   <tr><td>name</td><td>L</td><td>UTF-8; names are unique within a file</td></tr>
 *   <tr><td>dtype</td><td>1</td><td>1 float32, 2 float64, 3 int32, 4 bool</td></tr>
 *   <tr><td>rank</td><td>1</td><td>unsigned r, 0 to {@value #MAX_RANK}</td></tr>
 *   <tr><td>dims</td><td>4·r</td><td>int32 each, ≥ 0, outermost axis first</td></tr>
 *   <tr><td>data</td><td>size·e</td><td>the elements in row-major order: float32 as IEEE 754
 *       bits (e = 4), float64 as IEEE 754 bits (e = 8), int32 (e = 4), bool as one byte 0 or
 *       1 (e = 1); size is the product of the dims (1 for rank 0)</td></tr>
 *   <tr><td>checksum</td><td>4</td><td>CRC-32C (Castagnoli, as {@link CRC32C}) of every byte
 *       before it, as an unsigned int32</td></tr>
 * </table>
 * Floats are stored bit for bit (NaN payloads, infinities and −0.0 included). Entries are in
 * the map's iteration order, and nothing follows the checksum.
 */
public final class Checkpoint {
    /** The format version this class writes, and the only one it reads. */
    public static final int FORMAT_VERSION = 1;

    /** The largest rank a checkpoint holds (the rank is stored in one byte). */
    public static final int MAX_RANK = 255;

    private static final System.Logger LOG = System.getLogger(Checkpoint.class.getName());
    private static final byte[] MAGIC = "GRADUSCK".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER_BYTES = MAGIC.length + 4 + 4;
    private static final int CHECKSUM_BYTES = 4;
    private static final int BUFFER_BYTES = 1 << 16;

    private Checkpoint() {}

    // ---------------------------------------------------------------- save

    /**
     * Writes {@code tensors} to {@code file}, replacing any file there atomically; creates the
     * parent directories if needed. Entries are written in the map's iteration order; views
     * (transposed, sliced, broadcast) are written as their elements in row-major order. The
     * tensors are only read.
     *
     * @param file the checkpoint to write
     * @param tensors the named tensors; names may be any string that is valid Unicode
     * @throws IllegalArgumentException before anything is written, if a name or tensor is null,
     *     a name has an unpaired surrogate, or a tensor's rank exceeds {@value #MAX_RANK}
     * @throws java.nio.file.AtomicMoveNotSupportedException if the file system cannot rename
     *     atomically; the previous file is left as it was
     * @throws IOException if writing fails; the previous file is left as it was and the
     *     temporary file is deleted
     */
    public static void save(Path file, Map<String, Tensor> tensors) throws IOException {
        save(file, tensors, SaveHook.NONE);
    }

    /**
     * {@link #save(Path, Map)} calling {@code hook} at each step, so tests can make a save fail
     * midway and check what it leaves behind.
     */
    static void save(Path file, Map<String, Tensor> tensors, SaveHook hook) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(tensors, "tensors");
        List<Entry> entries = entriesOf(tensors);
        Path target = file.toAbsolutePath();
        Path directory = target.getParent();
        Files.createDirectories(directory);
        Path temp = createTempFile(directory, target.getFileName().toString());
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                Writer writer = new Writer(channel);
                writer.header(entries.size());
                for (int i = 0; i < entries.size(); i++) {
                    writer.entry(entries.get(i));
                    hook.reached(SaveStage.ENTRY_WRITTEN, i);
                }
                writer.checksum();
                hook.reached(SaveStage.BEFORE_FORCE, -1);
                channel.force(true);
            }
            hook.reached(SaveStage.BEFORE_RENAME, -1);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (Throwable failure) {
            deleteAfterFailure(temp, failure);
            throw failure;
        }
        syncDirectory(directory);
    }

    /** A step of {@link #save(Path, Map, SaveHook)}. */
    enum SaveStage {
        /** An entry has been written (to the buffer or the temporary file); the index is its position. */
        ENTRY_WRITTEN,
        /** The checksum is written and the temporary file is about to be forced to the device. */
        BEFORE_FORCE,
        /** The temporary file is complete and closed, and about to be renamed over the target. */
        BEFORE_RENAME
    }

    /** Called at each {@link SaveStage}; a hook that throws simulates a crash at that step. */
    @FunctionalInterface
    interface SaveHook {
        SaveHook NONE = (stage, entry) -> {};

        /** Called when a save reaches {@code stage}; {@code entry} is the entry index or -1. */
        void reached(SaveStage stage, int entry) throws IOException;
    }

    private record Entry(String name, byte[] nameBytes, Tensor tensor) {}

    /** Copies and checks the map's entries, so nothing is written unless all are valid. */
    private static List<Entry> entriesOf(Map<String, Tensor> tensors) {
        var encoder = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        List<Entry> entries = new ArrayList<>(tensors.size());
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            Tensor tensor = e.getValue();
            if (name == null) {
                throw new IllegalArgumentException("a checkpoint cannot hold a tensor with a null name");
            }
            if (tensor == null) {
                throw new IllegalArgumentException("tensor '" + name + "' is null");
            }
            if (tensor.rank() > MAX_RANK) {
                throw new IllegalArgumentException("tensor '" + name + "' has rank " + tensor.rank()
                        + "; a checkpoint holds ranks up to " + MAX_RANK);
            }
            byte[] nameBytes;
            try {
                ByteBuffer encoded = encoder.encode(CharBuffer.wrap(name));
                nameBytes = Arrays.copyOf(encoded.array(), encoded.limit());
            } catch (CharacterCodingException ex) {
                throw new IllegalArgumentException("tensor name '" + name + "' is not valid Unicode (unpaired surrogate)", ex);
            }
            entries.add(new Entry(name, nameBytes, tensor));
        }
        return entries;
    }

    private static Path createTempFile(Path directory, String targetName) throws IOException {
        // Our own name rather than Files.createTempFile, whose owner-only permissions the
        // renamed checkpoint would inherit; CREATE_NEW never reuses an existing file.
        String stem = "." + (targetName.length() > 100 ? targetName.substring(0, 100) : targetName) + ".";
        for (int attempt = 0; ; attempt++) {
            Path temp = directory.resolve(stem + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
            try {
                Files.newByteChannel(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return temp;
            } catch (FileAlreadyExistsException e) {
                if (attempt == 10) {
                    throw e;
                }
            }
        }
    }

    private static void deleteAfterFailure(Path temp, Throwable failure) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * Forces the directory entry of the rename to the device, so the new checkpoint survives a
     * power failure. Not every platform can open a directory (Windows cannot); there the rename
     * is still atomic and only its durability is left to the OS, so a failure is logged rather
     * than thrown: the checkpoint on disk is the old or the new one, both complete.
     */
    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "could not force directory " + directory + " after renaming a checkpoint into it", e);
        }
    }

    /** Buffers little-endian output to a channel, computing the CRC-32C of what it writes. */
    private static final class Writer {
        private final FileChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        private final CRC32C crc = new CRC32C();

        Writer(FileChannel channel) {
            this.channel = channel;
        }

        void header(int entryCount) throws IOException {
            buffer.put(MAGIC).putInt(FORMAT_VERSION).putInt(entryCount);
        }

        void entry(Entry entry) throws IOException {
            Tensor t = entry.tensor();
            room(4);
            buffer.putInt(entry.nameBytes().length);
            bytes(entry.nameBytes());
            room(2);
            buffer.put(dtypeCode(t.dtype())).put((byte) t.rank());
            for (int axis = 0; axis < t.rank(); axis++) {
                room(4);
                buffer.putInt(t.shape().dim(axis));
            }
            data(t);
        }

        void checksum() throws IOException {
            drain();
            buffer.putInt((int) crc.getValue());
            buffer.flip();
            writeFully();
            buffer.clear();
        }

        private void data(Tensor t) throws IOException {
            int n = t.size();
            boolean bulk = t.isContiguous();
            int base = t.offset();
            switch (t.dtype()) {
                case FLOAT64 -> {
                    double[] a = t.float64Data();
                    for (int i = 0; i < n; ) {
                        room(8);
                        if (bulk) {
                            int k = Math.min(n - i, buffer.remaining() / 8);
                            buffer.asDoubleBuffer().put(a, base + i, k);
                            buffer.position(buffer.position() + 8 * k);
                            i += k;
                        } else {
                            buffer.putDouble(a[t.storageIndex(i++)]);
                        }
                    }
                }
                case FLOAT32 -> {
                    float[] a = t.float32Data();
                    for (int i = 0; i < n; ) {
                        room(4);
                        if (bulk) {
                            int k = Math.min(n - i, buffer.remaining() / 4);
                            buffer.asFloatBuffer().put(a, base + i, k);
                            buffer.position(buffer.position() + 4 * k);
                            i += k;
                        } else {
                            buffer.putFloat(a[t.storageIndex(i++)]);
                        }
                    }
                }
                case INT32 -> {
                    int[] a = t.int32Data();
                    for (int i = 0; i < n; ) {
                        room(4);
                        if (bulk) {
                            int k = Math.min(n - i, buffer.remaining() / 4);
                            buffer.asIntBuffer().put(a, base + i, k);
                            buffer.position(buffer.position() + 4 * k);
                            i += k;
                        } else {
                            buffer.putInt(a[t.storageIndex(i++)]);
                        }
                    }
                }
                case BOOL -> {
                    int[] a = t.int32Data();
                    for (int i = 0; i < n; i++) {
                        room(1);
                        buffer.put(a[t.storageIndex(i)] != 0 ? (byte) 1 : (byte) 0);
                    }
                }
            }
        }

        private void bytes(byte[] b) throws IOException {
            for (int i = 0; i < b.length; ) {
                room(1);
                int k = Math.min(b.length - i, buffer.remaining());
                buffer.put(b, i, k);
                i += k;
            }
        }

        /** Makes room for {@code n} ≤ 8 bytes. */
        private void room(int n) throws IOException {
            if (buffer.remaining() < n) {
                drain();
            }
        }

        private void drain() throws IOException {
            buffer.flip();
            crc.update(buffer.array(), 0, buffer.limit());
            writeFully();
            buffer.clear();
        }

        private void writeFully() throws IOException {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }

    // ---------------------------------------------------------------- load

    /**
     * Reads the checkpoint in {@code file}.
     *
     * @param file the checkpoint to read
     * @return a new mutable map of new contiguous tensors, in the order they were saved
     * @throws CheckpointException if the file is not a valid checkpoint: bad magic bytes, an
     *     unsupported version, truncated, a checksum mismatch, or an impossible structure
     *     (negative or oversized lengths, unknown dtype codes, duplicate names); the message
     *     names the file and the problem
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws IOException if reading fails
     */
    public static Map<String, Tensor> load(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        if (Files.isDirectory(file)) {
            throw new CheckpointException(file, "is a directory, not a checkpoint file");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return new Reader(file, channel).read();
        }
    }

    /**
     * Reads little-endian values through a buffer, computing the CRC-32C of what it consumes;
     * it never reads the checksum as data and never allocates more than the file can hold.
     */
    private static final class Reader {
        private final Path file;
        private final FileChannel channel;
        private final long fileSize;
        /** Where the checksum starts: data ends here. */
        private final long dataEnd;
        private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        private final CRC32C crc = new CRC32C();
        /** Bytes read from the channel into the buffer so far. */
        private long readPosition;

        Reader(Path file, FileChannel channel) throws IOException {
            this.file = file;
            this.channel = channel;
            this.fileSize = channel.size();
            this.dataEnd = fileSize - CHECKSUM_BYTES;
            buffer.limit(0);
        }

        Map<String, Tensor> read() throws IOException {
            checkHeaderFits();
            byte[] magic = new byte[MAGIC.length];
            take(MAGIC.length);
            buffer.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw fail("bad magic bytes " + hex(magic) + ": not a Gradus checkpoint (expected " + hex(MAGIC)
                        + ", ASCII \"GRADUSCK\")");
            }
            take(8);
            int version = buffer.getInt();
            if (version != FORMAT_VERSION) {
                throw fail("unsupported format version " + Integer.toUnsignedString(version)
                        + "; this Gradus reads version " + FORMAT_VERSION);
            }
            int count = buffer.getInt();
            if (count < 0) {
                throw fail("corrupt header: negative entry count " + count);
            }
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                readEntry(i, count, tensors);
            }
            long unread = dataEnd - consumed();
            if (unread != 0) {
                throw fail("corrupt: the " + count + " entries end at byte " + consumed() + " but the checksum starts at byte "
                        + dataEnd + " (" + unread + " unexpected bytes)");
            }
            verifyChecksum();
            return tensors;
        }

        private void checkHeaderFits() throws IOException {
            if (fileSize >= HEADER_BYTES + CHECKSUM_BYTES) {
                return;
            }
            // A short file is a truncated checkpoint only if what it has starts like one.
            ByteBuffer start = ByteBuffer.allocate((int) Math.min(fileSize, MAGIC.length));
            while (start.hasRemaining() && channel.read(start, start.position()) >= 0) {
                // keep reading until full or end of file
            }
            byte[] present = Arrays.copyOf(start.array(), start.position());
            if (!Arrays.equals(present, Arrays.copyOf(MAGIC, present.length))) {
                throw fail("bad magic bytes " + hex(present) + ": not a Gradus checkpoint (expected " + hex(MAGIC) + ")");
            }
            throw fail("truncated: the file is " + fileSize + " bytes, less than the " + (HEADER_BYTES + CHECKSUM_BYTES)
                    + " bytes of an empty checkpoint (" + HEADER_BYTES + "-byte header, " + CHECKSUM_BYTES + "-byte checksum)");
        }

        private void readEntry(int index, int count, Map<String, Tensor> tensors) throws IOException {
            String at = "entry " + index + " of " + count;
            need(4, at, "its name length");
            int nameLength = buffer.getInt();
            if (nameLength < 0) {
                throw fail(at + ": corrupt name length " + nameLength);
            }
            need(nameLength, at, "its " + nameLength + "-byte name");
            String name = decodeName(nameLength, at);
            at += " ('" + name + "')";
            if (tensors.containsKey(name)) {
                throw fail(at + ": duplicate name");
            }
            need(2, at, "its dtype and rank");
            byte code = buffer.get();
            DType dtype = dtypeOf(code);
            if (dtype == null) {
                throw fail(at + ": unknown dtype code " + code + " (1 float32, 2 float64, 3 int32, 4 bool)");
            }
            int rank = Byte.toUnsignedInt(buffer.get());
            need(4L * rank, at, "its " + rank + " dims");
            int[] dims = new int[rank];
            long size = 1;
            for (int axis = 0; axis < rank; axis++) {
                dims[axis] = buffer.getInt();
                if (dims[axis] < 0) {
                    throw fail(at + ": axis " + axis + " has negative size " + dims[axis]);
                }
                size *= dims[axis];
                if (size > Integer.MAX_VALUE) {
                    throw fail(at + ": shape " + Arrays.toString(dims) + " has more than 2^31-1 elements");
                }
            }
            Shape shape = Shape.of(dims);
            need(size * elementBytes(dtype), at + ", " + dtype + " " + shape, "its data");
            tensors.put(name, data(dtype, dims, (int) size, at));
        }

        private String decodeName(int length, String at) throws IOException {
            byte[] bytes = new byte[length];
            for (int i = 0; i < length; ) {
                take(1);
                int k = Math.min(length - i, buffer.remaining());
                buffer.get(bytes, i, k);
                i += k;
            }
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes))
                        .toString();
            } catch (CharacterCodingException e) {
                CheckpointException failure = fail(at + ": the name is not valid UTF-8");
                failure.initCause(e);
                throw failure;
            }
        }

        private Tensor data(DType dtype, int[] dims, int n, String at) throws IOException {
            switch (dtype) {
                case FLOAT64: {
                    double[] a = new double[n];
                    for (int i = 0; i < n; ) {
                        take(8);
                        int k = Math.min(n - i, buffer.remaining() / 8);
                        buffer.asDoubleBuffer().get(a, i, k);
                        buffer.position(buffer.position() + 8 * k);
                        i += k;
                    }
                    return Tensor.of(a, dims);
                }
                case FLOAT32: {
                    float[] a = new float[n];
                    for (int i = 0; i < n; ) {
                        take(4);
                        int k = Math.min(n - i, buffer.remaining() / 4);
                        buffer.asFloatBuffer().get(a, i, k);
                        buffer.position(buffer.position() + 4 * k);
                        i += k;
                    }
                    return Tensor.of(a, dims);
                }
                case INT32: {
                    int[] a = new int[n];
                    for (int i = 0; i < n; ) {
                        take(4);
                        int k = Math.min(n - i, buffer.remaining() / 4);
                        buffer.asIntBuffer().get(a, i, k);
                        buffer.position(buffer.position() + 4 * k);
                        i += k;
                    }
                    return Tensor.ofInts(a, dims);
                }
                case BOOL: {
                    int[] a = new int[n];
                    for (int i = 0; i < n; i++) {
                        take(1);
                        byte b = buffer.get();
                        if (b != 0 && b != 1) {
                            throw fail(at + ": bool element " + i + " is " + b + ", not 0 or 1");
                        }
                        a[i] = b;
                    }
                    return Tensor.ofBools(a, dims);
                }
                default:
                    throw new AssertionError(dtype);
            }
        }

        /** Fails with "truncated" unless {@code bytes} more bytes remain before the checksum. */
        private void need(long bytes, String at, String what) throws CheckpointException {
            long remaining = dataEnd - consumed();
            if (bytes > remaining) {
                throw fail("truncated or corrupt at " + at + ": " + what + " needs " + bytes + " bytes at byte offset "
                        + consumed() + ", but only " + remaining + " remain before the " + CHECKSUM_BYTES
                        + "-byte checksum (file size " + fileSize + ")");
            }
        }

        /** Bytes consumed from the buffer so far: the offset of the next value. */
        private long consumed() {
            return readPosition - buffer.remaining();
        }

        /**
         * Makes at least {@code n} ≤ 8 bytes available in the buffer; the caller has checked
         * with {@link #need} that they lie before the checksum.
         */
        private void take(int n) throws IOException {
            if (buffer.remaining() >= n) {
                return;
            }
            buffer.compact();
            int start = buffer.position();
            buffer.limit((int) Math.min(buffer.capacity(), start + (dataEnd - readPosition)));
            while (buffer.position() < n) {
                if (channel.read(buffer, readPosition + (buffer.position() - start)) < 0) {
                    throw fail("the file shrank while being read (now ends at byte "
                            + (readPosition + buffer.position() - start) + ")");
                }
            }
            // Fill the rest of the buffer opportunistically for the bulk reads that follow.
            while (buffer.hasRemaining()) {
                int r = channel.read(buffer, readPosition + (buffer.position() - start));
                if (r <= 0) {
                    break;
                }
            }
            crc.update(buffer.array(), start, buffer.position() - start);
            readPosition += buffer.position() - start;
            buffer.flip();
        }

        private void verifyChecksum() throws IOException {
            ByteBuffer stored = ByteBuffer.allocate(CHECKSUM_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            while (stored.hasRemaining()) {
                if (channel.read(stored, dataEnd + stored.position()) < 0) {
                    throw fail("the file shrank while being read (the checksum is missing)");
                }
            }
            long expected = Integer.toUnsignedLong(stored.getInt(0));
            long actual = crc.getValue();
            if (expected != actual) {
                throw fail(String.format("checksum mismatch: the file stores CRC-32C %08x but its contents give %08x;"
                        + " the file is corrupt", expected, actual));
            }
        }

        private CheckpointException fail(String problem) {
            return new CheckpointException(file, problem);
        }
    }

    // ---------------------------------------------------------------- codes

    private static byte dtypeCode(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> 1;
            case FLOAT64 -> 2;
            case INT32 -> 3;
            case BOOL -> 4;
        };
    }

    /** Returns the dtype with this code, or null for an unknown code. */
    private static DType dtypeOf(byte code) {
        return switch (code) {
            case 1 -> DType.FLOAT32;
            case 2 -> DType.FLOAT64;
            case 3 -> DType.INT32;
            case 4 -> DType.BOOL;
            default -> null;
        };
    }

    private static int elementBytes(DType dtype) {
        return dtype == DType.BOOL ? 1 : dtype.byteSize();
    }

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(sb.length() == 0 ? "" : " ").append(String.format("%02x", b));
        }
        return "[" + sb + "]";
    }
}
