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

    exports dev.jacobi.bench.tour;
}
