package dev.gradus;

import java.lang.management.ManagementFactory;

/** Measures what a piece of code allocates on the calling thread once the JIT has compiled it. */
public final class Allocations {
    /** Bytes per run below which a batch counts as allocating nothing. */
    public static final long NOTHING = 16;
    private static final int MAX_BATCHES = 20;

    private Allocations() {
    }

    /**
     * Runs {@code run} in batches of {@code batch} runs until a batch allocates under
     * {@link #NOTHING} bytes per run on this thread, or 20 batches have run, and returns the
     * last batch's bytes per run. Vector objects and other temporaries are free only once C2
     * has compiled the code, which can take thousands of runs on a loaded machine, so the
     * warm-up goes on until the allocation stops instead of for a fixed count.
     */
    public static long bytesPerRunOnceWarm(Runnable run, int batch) {
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long perRun = Long.MAX_VALUE;
        for (int b = 0; b < MAX_BATCHES && perRun >= NOTHING; b++) {
            long before = bean.getThreadAllocatedBytes(tid);
            for (int i = 0; i < batch; i++) {
                run.run();
            }
            perRun = (bean.getThreadAllocatedBytes(tid) - before) / batch;
        }
        return perRun;
    }
}
