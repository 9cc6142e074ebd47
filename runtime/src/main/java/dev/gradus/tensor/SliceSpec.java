package dev.gradus.tensor;

import java.util.Arrays;
import java.util.List;

/**
 * A selection of {@code start:end:step} ranges, one per leading axis, with Python's
 * semantics: negative positions count from the end, out-of-range positions clamp, and a
 * negative step walks backwards. Axes past the given ranges are taken whole.
 */
public final class SliceSpec {
    /** Use as {@code end} for "to the end of the axis" whatever the step's sign. */
    public static final int END = Integer.MAX_VALUE;

    private final Range[] ranges;

    private SliceSpec(Range[] ranges) {
        this.ranges = ranges;
    }

    /** Returns the spec with the given per-axis ranges. */
    public static SliceSpec of(Range... ranges) {
        return new SliceSpec(ranges.clone());
    }

    /** Returns the number of axes this spec restricts. */
    public int rank() {
        return ranges.length;
    }

    /** Returns the range for axis {@code i}. */
    public Range range(int i) {
        return ranges[i];
    }

    /** Returns the ranges as a list. */
    public List<Range> ranges() {
        return List.of(ranges);
    }

    /**
     * Returns the shape selected from {@code from}.
     *
     * @throws IllegalArgumentException if the spec has more ranges than {@code from} has axes
     *     or a step is 0
     */
    public Shape apply(Shape from) {
        if (ranges.length > from.rank()) {
            throw new IllegalArgumentException("slice " + this + " has " + ranges.length + " ranges but the shape "
                    + from + " has rank " + from.rank());
        }
        int[] dims = from.dims();
        for (int i = 0; i < ranges.length; i++) {
            dims[i] = ranges[i].resolve(dims[i]).count();
        }
        return Shape.of(dims);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SliceSpec s && Arrays.equals(ranges, s.ranges);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ranges);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < ranges.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(ranges[i]);
        }
        return sb.append(']').toString();
    }

    /**
     * One axis's {@code start:end:step}.
     *
     * @param start first position (clamped; negative counts from the end)
     * @param end position one past the last (exclusive; {@link #END} for "to the end")
     * @param step non-zero stride
     */
    public record Range(int start, int end, int step) {
        /** Validates the step. */
        public Range {
            if (step == 0) {
                throw new IllegalArgumentException("slice step must not be 0");
            }
        }

        /** Returns {@code start:end} with step 1. */
        public static Range of(int start, int end) {
            return new Range(start, end, 1);
        }

        /** Returns {@code start:end:step}. */
        public static Range of(int start, int end, int step) {
            return new Range(start, end, step);
        }

        /** Returns the whole axis, {@code :}. */
        public static Range all() {
            return new Range(0, END, 1);
        }

        /** Returns the single position {@code i:i+1} (negative counts from the end). */
        public static Range at(int i) {
            return new Range(i, i == -1 ? END : i + 1, 1);
        }

        /** Resolves this range against an axis of size {@code length}, as Python's {@code slice.indices}. */
        public Resolved resolve(int length) {
            int lower = step > 0 ? 0 : -1;
            int upper = step > 0 ? length : length - 1;
            int s = start < 0 ? Math.max((int) Math.max((long) start + length, Integer.MIN_VALUE), lower) : Math.min(start, upper);
            int e;
            if (end == END) {
                e = step > 0 ? length : -1;
            } else {
                e = end < 0 ? Math.max((int) Math.max((long) end + length, Integer.MIN_VALUE), lower) : Math.min(end, upper);
            }
            long count;
            if (step > 0) {
                count = e > s ? ((long) e - s + step - 1) / step : 0;
            } else {
                count = s > e ? ((long) s - e - step - 1) / (-(long) step) : 0;
            }
            return new Resolved(s, (int) count, step);
        }

        @Override
        public String toString() {
            return start + ":" + (end == END ? "" : String.valueOf(end)) + (step == 1 ? "" : ":" + step);
        }
    }

    /**
     * A range resolved against an axis: {@code count} positions from {@code start} by {@code step}.
     *
     * @param start first position
     * @param count number of positions
     * @param step stride between positions
     */
    public record Resolved(int start, int count, int step) {
    }
}
