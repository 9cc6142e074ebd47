package dev.gradus.tensor;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * How many threads the CPU kernels may use, and the parallel loop they split large work with.
 *
 * <p>The thread count defaults to {@link Runtime#availableProcessors()}, or the system property
 * {@code gradus.threads} where it is set to a positive integer. {@link #setThreads(int)} changes
 * it for the whole JVM; kernels read it at each call, so a change applies to the next op run.
 *
 * <p>{@link #forRange} runs a loop body over {@code [0, n)} split into contiguous ranges, one
 * per thread: the caller runs the first range, daemon worker threads (created lazily, kept for
 * the life of the JVM) run the others. A call allocates nothing once the workers exist: the body
 * receives its data as arguments, so a kernel passes a non-capturing lambda or a static method
 * reference (one shared instance), and the hand-off to workers uses preallocated fields.
 * One caller uses the workers at a time; a call made while they are busy (from another thread,
 * or from inside a body) runs serially on its own thread, so concurrent and nested calls are
 * safe and never wait for each other.
 */
public final class Parallel {
    private static final System.Logger LOG = System.getLogger(Parallel.class.getName());

    private static volatile int threads = defaultThreads();

    /** Claims the worker pool for one {@link #forRange} call. */
    private static final AtomicBoolean BUSY = new AtomicBoolean();
    private static final Pool POOL = new Pool();

    private Parallel() {
    }

    private static int defaultThreads() {
        int cores = Runtime.getRuntime().availableProcessors();
        String property = System.getProperty("gradus.threads");
        if (property == null || property.isBlank()) {
            return cores;
        }
        try {
            int n = Integer.parseInt(property.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            LOG.log(System.Logger.Level.WARNING,
                    "system property gradus.threads=''{0}'' is not a positive integer; using {1} threads", property, cores);
            return cores;
        }
        LOG.log(System.Logger.Level.WARNING,
                "system property gradus.threads=''{0}'' is not a positive integer; using {1} threads", property, cores);
        return cores;
    }

    /** Returns the number of threads kernels may use, at least 1. */
    public static int threads() {
        return threads;
    }

    /**
     * Sets the number of threads kernels may use from now on.
     *
     * @param n at least 1
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("threads must be at least 1; got " + n);
        }
        threads = n;
    }

    /**
     * A loop body over a range of indices, given its data as arguments so that kernels can pass
     * one shared instance (a non-capturing lambda or a static method reference) and allocate
     * nothing per call.
     *
     * @param <A> first argument's type
     * @param <B> second argument's type
     * @param <C> third argument's type
     * @param <D> fourth argument's type
     */
    @FunctionalInterface
    public interface Body<A, B, C, D> {
        /**
         * Processes indices {@code [from, to)}. Ranges given to concurrent calls never overlap.
         *
         * @param a first argument, as passed to {@link Parallel#forRange}
         * @param b second argument
         * @param c third argument
         * @param d fourth argument
         * @param from first index, inclusive
         * @param to last index, exclusive; greater than {@code from}
         */
        void run(A a, B b, C c, D d, int from, int to);
    }

    /**
     * Runs {@code body} over {@code [0, n)}, split into at most {@link #threads()} contiguous
     * ranges of at least {@code minPerThread} indices each (one range, on the calling thread,
     * when {@code n < 2 * minPerThread}). Range boundaries are multiples of 16 so that float and
     * double kernels start ranges on whole cache lines. Returns when every range has finished.
     * The split affects only which thread runs an index; a body whose result at each index does
     * not depend on the split gives the same result for any thread count.
     *
     * <p>Allocates nothing once the workers exist (the first call that needs {@code k} workers
     * starts them). If the body throws in any range, the other ranges still finish, then the
     * first exception is rethrown to the caller (an exception from the caller's own range wins,
     * with the workers' exceptions added as suppressed).
     *
     * @param n number of indices; nothing runs when {@code n <= 0}
     * @param minPerThread the fewest indices worth handing to another thread, at least 1
     * @param a first argument passed to the body
     * @param b second argument
     * @param c third argument
     * @param d fourth argument
     * @param body the loop body
     * @param <A> first argument's type
     * @param <B> second argument's type
     * @param <C> third argument's type
     * @param <D> fourth argument's type
     * @throws IllegalArgumentException if {@code minPerThread < 1}
     */
    public static <A, B, C, D> void forRange(int n, int minPerThread, A a, B b, C c, D d, Body<A, B, C, D> body) {
        if (minPerThread < 1) {
            throw new IllegalArgumentException("minPerThread must be at least 1; got " + minPerThread);
        }
        if (n <= 0) {
            return;
        }
        int parts = Math.min(threads, n / minPerThread);
        if (parts <= 1 || !BUSY.compareAndSet(false, true)) {
            body.run(a, b, c, d, 0, n);
            return;
        }
        try {
            POOL.run(n, parts, a, b, c, d, body);
        } finally {
            BUSY.set(false);
        }
    }

    /** Returns the start of range {@code part} of {@code parts} over {@code [0, n)}. */
    static int rangeStart(int n, int parts, int part) {
        if (part == parts) {
            return n;
        }
        long even = (long) n * part / parts;
        return (int) (even & ~15L);
    }

    /**
     * The workers and the job they share. Only the thread holding {@link #BUSY} writes the job
     * fields; it publishes them to a worker through that worker's volatile ticket and reads the
     * results after the pending count (an atomic) reaches zero, so plain fields suffice.
     */
    private static final class Pool {
        /** Iterations of {@link Thread#onSpinWait} before parking: covers back-to-back ops cheaply. */
        private static final int SPINS = 2000;

        private Worker[] workers = new Worker[0];
        private final AtomicInteger pending = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private volatile Thread caller;

        private int n;
        private int parts;
        private Object a;
        private Object b;
        private Object c;
        private Object d;
        private Body<Object, Object, Object, Object> body;

        @SuppressWarnings("unchecked")
        <A, B, C, D> void run(int n, int parts, A a, B b, C c, D d, Body<A, B, C, D> body) {
            ensureWorkers(parts - 1);
            this.n = n;
            this.parts = parts;
            this.a = a;
            this.b = b;
            this.c = c;
            this.d = d;
            this.body = (Body<Object, Object, Object, Object>) body;
            caller = Thread.currentThread();
            pending.set(parts - 1);
            for (int w = 0; w < parts - 1; w++) {
                workers[w].release();
            }
            Throwable own = null;
            try {
                int end = rangeStart(n, parts, 1);
                if (end > 0) {
                    body.run(a, b, c, d, 0, end);
                }
            } catch (RuntimeException | Error e) {
                own = e;
            }
            awaitWorkers();
            Throwable theirs = failure.getAndSet(null);
            this.a = null;
            this.b = null;
            this.c = null;
            this.d = null;
            this.body = null;
            caller = null;
            if (own != null) {
                if (theirs != null) {
                    own.addSuppressed(theirs);
                }
                throw rethrow(own);
            }
            if (theirs != null) {
                throw rethrow(theirs);
            }
        }

        /** Throws {@code t} as it is where it is unchecked; a body cannot throw anything else. */
        private static RuntimeException rethrow(Throwable t) {
            if (t instanceof RuntimeException r) {
                throw r;
            }
            if (t instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException("parallel loop body failed", t);
        }

        private void awaitWorkers() {
            for (int spin = 0; pending.get() != 0; spin++) {
                if (spin < SPINS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
        }

        /** Runs range {@code part} for a worker and reports completion; never throws. */
        void runPart(int part) {
            try {
                int from = rangeStart(n, parts, part);
                int to = rangeStart(n, parts, part + 1);
                if (to > from) {
                    body.run(a, b, c, d, from, to);
                }
            } catch (Throwable t) {
                // Handed to the caller, who rethrows it: the loop's exceptions are never lost.
                failure.compareAndSet(null, t);
            } finally {
                if (pending.decrementAndGet() == 0) {
                    LockSupport.unpark(caller);
                }
            }
        }

        private void ensureWorkers(int count) {
            if (workers.length >= count) {
                return;
            }
            Worker[] grown = java.util.Arrays.copyOf(workers, count);
            for (int w = workers.length; w < count; w++) {
                grown[w] = new Worker(this, w + 1);
                grown[w].start();
            }
            workers = grown;
        }
    }

    /** A daemon thread that runs range {@code part} of each job its ticket announces. */
    private static final class Worker extends Thread {
        private final Pool pool;
        private final int part;
        private volatile int ticket;

        Worker(Pool pool, int part) {
            super("gradus-parallel-" + part);
            this.pool = pool;
            this.part = part;
            setDaemon(true);
        }

        void release() {
            ticket++;
            LockSupport.unpark(this);
        }

        @Override
        public void run() {
            int handled = 0;
            while (true) {
                int spin = 0;
                while (ticket == handled) {
                    if (spin++ < Pool.SPINS) {
                        Thread.onSpinWait();
                    } else {
                        LockSupport.park(this);
                    }
                }
                handled = ticket;
                pool.runPart(part);
            }
        }
    }
}
