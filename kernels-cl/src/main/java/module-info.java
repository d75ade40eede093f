/** Jacobi OpenCL backend: a second device for the tensor engine, through JOCL. */
module dev.jacobi.cl {
    requires transitive dev.jacobi.tensor;
    requires jocl;

    // Packages are exported as the issues that fill them land.
}
