package dev.gradus.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ParallelTest {
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    /** Adds 1 to every visited index of {@code counts}; records the visiting thread. */
    private static void count(int[] counts, Set<Thread> seen, Object unusedC, Object unusedD, int from, int to) {
        seen.add(Thread.currentThread());
        for (int i = from; i < to; i++) {
            counts[i]++;
        }
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 2, 3, 4, 7})
    void everyIndexRunsExactlyOnce(int threads) {
        Parallel.setThreads(threads);
        for (int n : new int[] {0, 1, 2, 15, 16, 17, 100, 1000, 4099, 65_537}) {
            for (int grain : new int[] {1, 16, 1000}) {
                int[] counts = new int[n];
                Parallel.forRange(n, grain, counts, ConcurrentHashMap.<Thread>newKeySet(), null, null, ParallelTest::count);
                for (int i = 0; i < n; i++) {
                    assertEquals(1, counts[i], "index " + i + " of " + n + ", grain " + grain);
                }
            }
        }
    }

    @Test
    void rangesAreContiguousAndStartOnMultiplesOf16() {
        for (int parts = 1; parts <= 5; parts++) {
            for (int n : new int[] {5, 64, 1000, 1_000_003}) {
                assertEquals(0, Parallel.rangeStart(n, parts, 0));
                assertEquals(n, Parallel.rangeStart(n, parts, parts));
                for (int p = 1; p < parts; p++) {
                    int s = Parallel.rangeStart(n, parts, p);
                    assertEquals(0, s % 16, "start of range " + p);
                    assertTrue(s >= Parallel.rangeStart(n, parts, p - 1) && s <= n, "ranges in order");
                }
            }
        }
    }

    @Test
    void largeWorkUsesSeveralThreadsAndSmallWorkOnlyTheCaller() {
        Parallel.setThreads(2);
        Set<Thread> seen = ConcurrentHashMap.newKeySet();
        Parallel.forRange(1 << 16, 1 << 10, new int[1 << 16], seen, null, null, ParallelTest::count);
        assertEquals(2, seen.size(), "threads that ran a range");
        assertTrue(seen.contains(Thread.currentThread()), "the caller runs a range itself");

        seen.clear();
        Parallel.forRange(1000, 1 << 10, new int[1000], seen, null, null, ParallelTest::count);
        assertEquals(Set.of(Thread.currentThread()), seen, "below two grains, only the caller");

        Parallel.setThreads(1);
        seen.clear();
        Parallel.forRange(1 << 16, 1, new int[1 << 16], seen, null, null, ParallelTest::count);
        assertEquals(Set.of(Thread.currentThread()), seen, "one thread allowed");
    }

    @Test
    void aWorkersExceptionReachesTheCallerAndThePoolStaysUsable() {
        Parallel.setThreads(2);
        IllegalStateException boom = new IllegalStateException("boom");
        AtomicInteger finished = new AtomicInteger();
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> Parallel.forRange(1000, 1, boom, finished, null, null, (e, done, c, d, from, to) -> {
                    if (from > 0) {
                        throw e;
                    }
                    done.incrementAndGet();
                }));
        assertSame(boom, thrown);
        assertEquals(1, finished.get(), "the caller's range still ran");

        int[] counts = new int[1000];
        Parallel.forRange(1000, 1, counts, ConcurrentHashMap.<Thread>newKeySet(), null, null, ParallelTest::count);
        for (int c : counts) {
            assertEquals(1, c);
        }
    }

    @Test
    void theCallersExceptionWinsAndCarriesTheWorkers() {
        Parallel.setThreads(2);
        RuntimeException mine = new IllegalArgumentException("caller");
        RuntimeException theirs = new UnsupportedOperationException("worker");
        RuntimeException thrown = assertThrows(RuntimeException.class,
                () -> Parallel.forRange(1000, 1, mine, theirs, null, null, (m, t, c, d, from, to) -> {
                    throw from == 0 ? m : t;
                }));
        assertSame(mine, thrown);
        assertEquals(List.of(theirs), List.of(thrown.getSuppressed()));
    }

    @Test
    void nestedCallsRunSeriallyInsideARange() {
        Parallel.setThreads(2);
        int n = 4096;
        int[] counts = new int[n * 4];
        Parallel.forRange(4, 1, counts, null, null, null, (cs, u1, u2, u3, from, to) -> {
            for (int block = from; block < to; block++) {
                int[] inner = new int[n];
                Parallel.forRange(n, 1, inner, ConcurrentHashMap.<Thread>newKeySet(), null, null, ParallelTest::count);
                System.arraycopy(inner, 0, cs, block * n, n);
            }
        });
        for (int c : counts) {
            assertEquals(1, c);
        }
    }

    @Test
    void concurrentCallersEachGetTheirWholeRange() throws Exception {
        Parallel.setThreads(2);
        int callers = 4;
        int n = 50_000;
        List<int[]> results = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < callers; t++) {
            int[] counts = new int[n];
            results.add(counts);
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    for (int rep = 0; rep < 50; rep++) {
                        Parallel.forRange(n, 64, counts, ConcurrentHashMap.<Thread>newKeySet(), null, null,
                                ParallelTest::count);
                    }
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            });
            threads.add(thread);
            thread.start();
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(List.of(), failures);
        for (int[] counts : results) {
            for (int c : counts) {
                assertEquals(50, c);
            }
        }
    }

    private static void fill(double[] out, Object b, Object c, Object d, int from, int to) {
        for (int i = from; i < to; i++) {
            out[i] = i;
        }
    }

    @Test
    void aCallAllocatesNothingOnceTheWorkersExist() {
        Parallel.setThreads(2);
        double[] out = new double[1 << 16];
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        for (int warm = 0; warm < 20_000; warm++) {
            Parallel.forRange(out.length, 1 << 10, out, null, null, null, ParallelTest::fill);
        }
        int calls = 1000;
        long before = bean.getThreadAllocatedBytes(tid);
        for (int k = 0; k < calls; k++) {
            Parallel.forRange(out.length, 1 << 10, out, null, null, null, ParallelTest::fill);
        }
        long perCall = (bean.getThreadAllocatedBytes(tid) - before) / calls;
        assertTrue(perCall < 16, "bytes allocated per call: " + perCall);
        assertEquals(out.length - 1, out[out.length - 1]);
    }

    @Test
    void rejectsANonPositiveGrain() {
        assertThrows(IllegalArgumentException.class,
                () -> Parallel.forRange(10, 0, null, null, null, null, (a, b, c, d, from, to) -> { }));
    }
}
