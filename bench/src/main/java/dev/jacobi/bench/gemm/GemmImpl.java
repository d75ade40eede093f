package dev.jacobi.bench.gemm;

import dev.jacobi.tensor.cpu.GemmConfig;
import dev.jacobi.tensor.cpu.NaiveGemm;
import dev.jacobi.tensor.cpu.Sgemm;
import org.ejml.concurrency.EjmlConcurrency;
import org.ejml.dense.row.CommonOps_FDRM;
import org.ejml.dense.row.CommonOps_MT_FDRM;

/** The float32 GEMM implementations the comparison and the JMH benchmark measure. */
public enum GemmImpl {
    /** Jacobi's {@link Sgemm}: packed, cache-blocked, 12 x 32 AVX-512 micro-kernel, fork-join threads. */
    JACOBI("jacobi"),
    /** OpenBLAS {@code cblas_sgemm} through the FFM API (see {@link OpenBlas}). */
    OPENBLAS("openblas"),
    /** EJML {@code CommonOps_FDRM.mult}, or {@code CommonOps_MT_FDRM.mult} on several threads. */
    EJML("ejml"),
    /** {@link NaiveGemm}: the plain triple loop, one thread. */
    NAIVE("naive");

    private final String label;

    GemmImpl(String label) {
        this.label = label;
    }

    /** Lower-case name for tables and JMH parameters. */
    public String label() {
        return label;
    }

    /** The implementation called {@code label}. */
    public static GemmImpl of(String label) {
        for (GemmImpl impl : values()) {
            if (impl.label.equalsIgnoreCase(label)) {
                return impl;
            }
        }
        throw new IllegalArgumentException("GemmImpl: unknown implementation '" + label + "'; expected jacobi, openblas, ejml or naive");
    }

    /** Why this implementation cannot run with {@code threads} threads here, or an empty string when it can. */
    public String unavailableReason(int threads) {
        return switch (this) {
            case OPENBLAS -> OpenBlas.unavailableReason();
            case NAIVE -> threads == 1 ? "" : "the naive loop runs on one thread";
            default -> "";
        };
    }

    /** Sets the library's thread count; call before timing {@link #multiply}. */
    public void prepare(int threads) {
        switch (this) {
            case OPENBLAS -> OpenBlas.setThreads(threads);
            case EJML -> EjmlConcurrency.setMaxThreads(threads);
            default -> { }
        }
    }

    /** C = A B once, on {@code threads} threads (as set by {@link #prepare}). */
    public void multiply(GemmProblem p, int threads) {
        int n = p.n();
        switch (this) {
            case JACOBI -> Sgemm.gemm(1f, p.a(), p.b(), 0f, p.c(), GemmConfig.ofThreads(threads));
            case OPENBLAS -> OpenBlas.sgemm(n, n, n, 1f, p.segmentA(), n, p.segmentB(), n, 0f, p.segmentC(), n);
            case EJML -> {
                if (threads == 1) {
                    CommonOps_FDRM.mult(p.ejmlA(), p.ejmlB(), p.ejmlC());
                } else {
                    CommonOps_MT_FDRM.mult(p.ejmlA(), p.ejmlB(), p.ejmlC());
                }
            }
            case NAIVE -> NaiveGemm.sgemm(1f, p.a(), p.b(), 0f, p.c());
        }
    }
}
