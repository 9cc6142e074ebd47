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
}
