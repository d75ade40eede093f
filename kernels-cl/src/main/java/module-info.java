/** Jacobi OpenCL backend: a second device for the tensor engine, through JOCL. */
module dev.jacobi.cl {
    requires transitive dev.jacobi.tensor;
    requires jocl;

    exports dev.jacobi.cl;
    exports dev.jacobi.cl.ops;
    exports dev.jacobi.cl.bench;
}
