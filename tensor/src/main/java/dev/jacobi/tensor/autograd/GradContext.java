package dev.jacobi.tensor.autograd;

/** Per-thread switches of the autograd engine. */
final class GradContext {
    private static final ThreadLocal<GradContext> CURRENT = ThreadLocal.withInitial(GradContext::new);

    /** Whether ops record nodes for reverse mode. */
    boolean gradEnabled = true;
    /** Set while an op computes its forward result, so the ops it calls internally record nothing. */
    boolean inForward;
    /** The active forward-mode level (0: none). */
    long forwardLevel;
    /** Set while a jvp rule runs, so its own ops do not push tangents of tangents. */
    boolean inJvpRule;

    static GradContext current() {
        return CURRENT.get();
    }
}
