package dev.jacobi.nn;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link Module#loadStateDict} refused a state dict: the message lists every missing, unexpected and
 * mis-shaped entry (not only the first), and the lists are available for programs.
 */
public final class StateDictMismatchException extends IllegalArgumentException {
    private final List<String> missing;
    private final List<String> unexpected;
    private final List<String> misShaped;

    /**
     * @param module     the module's class name, for the message
     * @param missing    names the module has and the dict lacks
     * @param unexpected names the dict has and the module lacks
     * @param misShaped  entries whose shapes differ, each as {@code "name (expected [..], given [..])"}
     */
    public StateDictMismatchException(String module, List<String> missing, List<String> unexpected, List<String> misShaped) {
        super(message(module, missing, unexpected, misShaped));
        this.missing = List.copyOf(missing);
        this.unexpected = List.copyOf(unexpected);
        this.misShaped = List.copyOf(misShaped);
    }

    private static String message(String module, List<String> missing, List<String> unexpected, List<String> misShaped) {
        List<String> parts = new ArrayList<>();
        if (!missing.isEmpty()) {
            parts.add("missing " + missing);
        }
        if (!unexpected.isEmpty()) {
            parts.add("unexpected " + unexpected);
        }
        if (!misShaped.isEmpty()) {
            parts.add("mis-shaped " + misShaped);
        }
        int count = missing.size() + unexpected.size() + misShaped.size();
        return "loadStateDict(" + module + "): " + count + (count == 1 ? " problem" : " problems")
                + ", nothing was loaded: " + String.join("; ", parts);
    }

    /** Names the module has and the dict lacks. */
    public List<String> missing() {
        return missing;
    }

    /** Names the dict has and the module lacks. */
    public List<String> unexpected() {
        return unexpected;
    }

    /** Entries whose shapes differ, as {@code "name (expected [..], given [..])"}. */
    public List<String> misShaped() {
        return misShaped;
    }
}
