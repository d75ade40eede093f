/** Jacobi neural-network layers, losses, optimizers and serialization. */
module dev.jacobi.nn {
    requires transitive dev.jacobi.tensor;

    // Packages are exported as the issues that fill them land.
}
