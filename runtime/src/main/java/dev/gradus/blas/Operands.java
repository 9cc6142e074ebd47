package dev.gradus.blas;

import dev.gradus.tensor.Parallel;

/**
 * A product's sizes and strides as {@link Gemm#multiply} takes them (A at {@code ao} with
 * row stride {@code ai} and depth stride {@code ap}, B at {@code bo} with depth stride
 * {@code bp} and column stride {@code bj}, C at {@code co}), handed to the threads that share
 * the product. A kernel keeps one per calling thread and rewrites it on each call;
 * {@link Parallel#forRange} publishes it to the workers.
 */
class Operands {
    int ao;
    int ai;
    int ap;
    int bo;
    int bp;
    int bj;
    int co;
    int m;
    int k;
    int n;

    /** Records one product's operands. */
    void set(int ao, int ai, int ap, int bo, int bp, int bj, int co, int m, int k, int n) {
        this.ao = ao;
        this.ai = ai;
        this.ap = ap;
        this.bo = bo;
        this.bp = bp;
        this.bj = bj;
        this.co = co;
        this.m = m;
        this.k = k;
        this.n = n;
    }

    /**
     * Runs {@code body} over a product's {@code units} (row or column blocks) on up to
     * {@code threads} threads, as many as give each at least {@code workPerThread} multiply-adds;
     * on the calling thread alone when that is one. {@link Parallel#forRange} cuts ranges at
     * multiples of 16, so each unit counts as 16 indices and every cut falls between units.
     */
    static <A, B, J extends Operands> void split(A a, B b, Object c, J job, int units, long workPerThread, int threads,
            Parallel.Body<A, B, Object, J> body) {
        long work = (long) job.m * job.k * job.n;
        int parts = (int) Math.min(Math.min(threads, units), Math.max(1, work / workPerThread));
        if (parts <= 1) {
            body.run(a, b, c, job, 0, units * 16);
            return;
        }
        // ⌊units/parts⌋ units at least per range: forRange makes at least parts ranges (a
        // ceiling could make fewer, e.g. one range for 5 units on 2 threads), and at most
        // threads; a range may then hold a little under workPerThread.
        Parallel.forRange(units * 16, 16 * (units / parts), a, b, c, job, body);
    }
}
