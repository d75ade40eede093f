package dev.jacobi.bench.tour;

import dev.jacobi.bench.gemm.GemmTourEntry;
import dev.jacobi.bench.tour.entries.BitNetTour;
import dev.jacobi.bench.tour.entries.CodecsTour;
import dev.jacobi.bench.tour.entries.DigitsTraining;
import dev.jacobi.bench.tour.entries.HolomorphicEpTour;
import dev.jacobi.bench.tour.entries.TarFlowTour;
import dev.jacobi.bench.tour.entries.TensorSelfCheck;

import java.util.List;

/** Every entry of the tour, in the order it runs. Add new experiments here. */
public final class TourEntries {
    private TourEntries() {
    }

    /** The entries, in order. */
    public static List<TourEntry> all() {
        return List.of(
                new TensorSelfCheck(),
                new GemmTourEntry(),
                new DigitsTraining(),
                new TarFlowTour(),
                new BitNetTour(),
                new CodecsTour(),
                new HolomorphicEpTour());
    }
}
