/** Jacobi benchmarks, the {@code jacobi} command line and the tour. */
module dev.jacobi.bench {
    requires dev.jacobi.algorithms;
    requires dev.jacobi.cl;
    requires jmh.core;
    requires ejml.core;
    requires ejml.fdense;
    requires org.knowm.xchart;
    requires me.tongfei.progressbar;
    requires java.desktop;

    exports dev.jacobi.bench.cli;
    exports dev.jacobi.bench.tour;
    exports dev.jacobi.bench.gemm;
    // JMH instantiates the benchmarks and the classes it generates for them reflectively.
    opens dev.jacobi.bench.jmh to jmh.core;
    opens dev.jacobi.bench.jmh.jmh_generated to jmh.core;
}
