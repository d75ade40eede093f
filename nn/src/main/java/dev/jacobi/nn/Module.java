package dev.jacobi.nn;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Device;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import dev.jacobi.tensor.autograd.GradMode;
import dev.jacobi.tensor.io.SafeTensors;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * A piece of a model that owns named tensors and other modules, as {@code torch.nn.Module}.
 *
 * <p>A module registers, in this order of discovery:
 * <ul>
 *   <li><b>parameters</b>: leaf tensors that require grad, trained by optimizers
 *       ({@link #registerParameter});</li>
 *   <li><b>buffers</b>: state that is not trained but belongs to the model, such as running statistics;
 *       persistent buffers are saved in the {@link #stateDict()} ({@link #registerBuffer});</li>
 *   <li><b>submodules</b> ({@link #registerModule}); {@link ModuleList} and {@link Sequential} name theirs
 *       {@code "0", "1", ...}.</li>
 * </ul>
 * Names are PyTorch's: a tensor's full name is the dotted path of the submodule names that lead to it,
 * then its own name ({@code "encoder.layers.0.weight"}). {@link #stateDict()} lists a module's own
 * parameters, then its own persistent buffers, then each submodule's entries, in registration order,
 * exactly as {@code state_dict()} does, so that weights move between the two by name.
 *
 * <p>Layers read their tensors through {@link #parameter(String)} and {@link #buffer(String)} when they
 * compute, rather than keeping them in fields; this is what lets {@link #to(DType)} and
 * {@link #withParameters} substitute other tensors (as {@code torch.func.functional_call}).
 *
 * <p>Modules are not thread-safe: use one per thread, or do not change them while others compute.
 */
public abstract class Module {
    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Set<String> transientBuffers = new java.util.HashSet<>();
    private final Map<String, Module> modules = new LinkedHashMap<>();
    private boolean training = true;

    /** A module with nothing registered yet, in training mode. */
    protected Module() {
    }

    // ---------------------------------------------------------------- registration

    /**
     * Registers {@code value} as the parameter {@code name}: a floating (or complex) leaf tensor, which
     * this marks as requiring grad. Returns it.
     *
     * @throws IllegalArgumentException when the name is not a plain unused name, or the tensor is an
     *                                  integer tensor or the result of recorded ops (not a leaf)
     */
    protected final Tensor registerParameter(String name, Tensor value) {
        checkNewName(name);
        Objects.requireNonNull(value, () -> describe() + ": parameter '" + name + "' is null");
        if (!value.dtype().isInexact()) {
            throw new IllegalArgumentException(describe() + ": parameter '" + name + "' must be floating or complex, got "
                    + value.dtype() + " of shape " + Shapes.format(value.shape()));
        }
        if (!value.isLeaf()) {
            throw new IllegalArgumentException(describe() + ": parameter '" + name + "' (shape " + Shapes.format(value.shape())
                    + ") is computed by recorded ops; register a leaf, e.g. value.detach()");
        }
        if (!value.requiresGrad()) {
            value.requiresGrad(true);
        }
        parameters.put(name, value);
        return value;
    }

    /** Registers a persistent buffer (saved in the state dict); see {@link #registerBuffer(String, Tensor, boolean)}. */
    protected final Tensor registerBuffer(String name, Tensor value) {
        return registerBuffer(name, value, true);
    }

    /**
     * Registers {@code value} as the buffer {@code name}: model state that is not trained. A persistent
     * buffer is part of the {@link #stateDict()}; a non-persistent one (a cache that can be recomputed)
     * is not. Returns it.
     *
     * @throws IllegalArgumentException when the name is not a plain unused name
     */
    protected final Tensor registerBuffer(String name, Tensor value, boolean persistent) {
        checkNewName(name);
        Objects.requireNonNull(value, () -> describe() + ": buffer '" + name + "' is null");
        buffers.put(name, value);
        if (!persistent) {
            transientBuffers.add(name);
        }
        return value;
    }

    /**
     * Registers {@code module} as the submodule {@code name}, whose tensors' names then start with
     * {@code name + "."}. Returns it.
     *
     * @throws IllegalArgumentException when the name is not a plain unused name, or the module is this one
     */
    protected final <M extends Module> M registerModule(String name, M module) {
        checkNewName(name);
        Objects.requireNonNull(module, () -> describe() + ": submodule '" + name + "' is null");
        if (module == this) {
            throw new IllegalArgumentException(describe() + ": cannot register a module inside itself as '" + name + "'");
        }
        modules.put(name, module);
        return module;
    }

    private void checkNewName(String name) {
        Objects.requireNonNull(name, () -> describe() + ": null name");
        if (name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException(describe() + ": name '" + name + "' must be non-empty and without '.'");
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || modules.containsKey(name)) {
            throw new IllegalArgumentException(describe() + ": name '" + name + "' is already registered");
        }
    }

    /**
     * The current tensor of this module's own parameter {@code name}.
     *
     * @throws IllegalArgumentException when there is no such parameter
     */
    protected final Tensor parameter(String name) {
        Tensor t = parameters.get(name);
        if (t == null) {
            throw new IllegalArgumentException(describe() + ": no parameter '" + name + "'; it has " + parameters.keySet());
        }
        return t;
    }

    /** Whether this module has its own parameter {@code name} (optional ones, like a bias, may be absent). */
    protected final boolean hasParameter(String name) {
        return parameters.containsKey(name);
    }

    /**
     * The current tensor of this module's own buffer {@code name}.
     *
     * @throws IllegalArgumentException when there is no such buffer
     */
    protected final Tensor buffer(String name) {
        Tensor t = buffers.get(name);
        if (t == null) {
            throw new IllegalArgumentException(describe() + ": no buffer '" + name + "'; it has " + buffers.keySet());
        }
        return t;
    }

    /**
     * Replaces this module's own buffer {@code name} (for state such as running statistics or a cache that
     * changes shape).
     *
     * @throws IllegalArgumentException when there is no such buffer
     */
    protected final void setBuffer(String name, Tensor value) {
        buffer(name);
        buffers.put(name, Objects.requireNonNull(value));
    }

    // ---------------------------------------------------------------- mode

    /** Puts this module and every submodule in training mode. Returns this. */
    public Module train() {
        return train(true);
    }

    /** Puts this module and every submodule in training ({@code true}) or evaluation mode. Returns this. */
    public Module train(boolean on) {
        training = on;
        for (Module m : modules.values()) {
            m.train(on);
        }
        return this;
    }

    /** Puts this module and every submodule in evaluation mode (dropout off, ...). Returns this. */
    public Module eval() {
        return train(false);
    }

    /** Whether this module is in training mode (the default). */
    public boolean isTraining() {
        return training;
    }

    // ---------------------------------------------------------------- traversal

    /** The direct submodules by name, in registration order (unmodifiable). */
    public Map<String, Module> namedChildren() {
        return Collections.unmodifiableMap(modules);
    }

    /**
     * This module (under the name {@code ""}) and every module below it by dotted name, depth first in
     * registration order; a module reachable by several paths appears once, under its first name.
     */
    public Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        Set<Module> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        collectModules("", out, seen);
        return out;
    }

    private void collectModules(String prefix, Map<String, Module> out, Set<Module> seen) {
        if (!seen.add(this)) {
            return;
        }
        out.put(prefix, this);
        modules.forEach((name, m) -> m.collectModules(prefix + name + ".", out, seen));
    }

    /**
     * Every parameter by full dotted name, in state-dict order; a tensor shared by several modules is
     * listed once, under its first name (as {@code named_parameters()}).
     */
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        walk("", (name, m) -> m.parameters.forEach((local, t) -> {
            if (seen.add(t)) {
                out.put(name + local, t);
            }
        }));
        return out;
    }

    /** Every parameter once, in the order of {@link #namedParameters()}: what an optimizer updates. */
    public List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Every buffer (persistent or not) by full dotted name. */
    public Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        walk("", (name, m) -> m.buffers.forEach((local, t) -> out.put(name + local, t)));
        return out;
    }

    /** The total number of elements of all parameters, each shared tensor counted once. */
    public long numParameters() {
        long n = 0;
        for (Tensor t : parameters()) {
            n += t.numel();
        }
        return n;
    }

    /** Calls {@code visit(prefix, module)} for this module and every module below it (each path once). */
    private void walk(String prefix, BiConsumer<String, Module> visit) {
        visit.accept(prefix, this);
        modules.forEach((name, m) -> m.walk(prefix + name + ".", visit));
    }

    // ---------------------------------------------------------------- gradients

    /** Clears the gradient of every parameter ({@code setGrad(null)}). */
    public void zeroGrad() {
        for (Tensor t : parameters()) {
            t.setGrad(null);
        }
    }

    // ---------------------------------------------------------------- state dict

    /**
     * Every parameter and persistent buffer by full dotted name, in PyTorch's order (see the class
     * comment). Values are detached views sharing memory with the module's tensors: they change when the
     * module is trained; copy them to keep a snapshot.
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        walk("", (name, m) -> {
            m.parameters.forEach((local, t) -> out.put(name + local, t.detach()));
            m.buffers.forEach((local, t) -> {
                if (!m.transientBuffers.contains(local)) {
                    out.put(name + local, t.detach());
                }
            });
        });
        return out;
    }

    /**
     * What {@link #loadStateDict} left out when not strict.
     *
     * @param missing    names of this module's entries that the dict does not have (kept unchanged)
     * @param unexpected names in the dict that this module does not have (ignored)
     */
    public record LoadResult(List<String> missing, List<String> unexpected) {
        /** Copies the lists. */
        public LoadResult {
            missing = List.copyOf(missing);
            unexpected = List.copyOf(unexpected);
        }
    }

    /**
     * Copies the values of {@code state} into this module's parameters and persistent buffers of the
     * same names (casting the dtype when it differs), as {@code load_state_dict}. Everything is checked
     * before anything is copied: when a check fails, nothing changes.
     *
     * @param strict when true, a missing or unexpected name is an error; when false, they are reported
     *               in the result. A shape mismatch is always an error.
     * @throws StateDictMismatchException listing every missing, unexpected and mis-shaped entry
     */
    public LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> own = stateDict();
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> misShaped = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor given = state.get(e.getKey());
            if (given == null) {
                missing.add(e.getKey());
            } else if (!Arrays.equals(given.shape(), e.getValue().shape())) {
                misShaped.add(e.getKey() + " (expected " + Shapes.format(e.getValue().shape()) + ", given "
                        + Shapes.format(given.shape()) + ")");
            }
        }
        for (String name : state.keySet()) {
            if (!own.containsKey(name)) {
                unexpected.add(name);
            }
        }
        if (!misShaped.isEmpty() || (strict && (!missing.isEmpty() || !unexpected.isEmpty()))) {
            throw new StateDictMismatchException(describe(), strict ? missing : List.of(), strict ? unexpected : List.of(),
                    misShaped);
        }
        try (GradMode g = Autograd.noGrad()) {
            for (Map.Entry<String, Tensor> e : own.entrySet()) {
                Tensor given = state.get(e.getKey());
                if (given != null) {
                    e.getValue().copyFrom(given);
                }
            }
        }
        return new LoadResult(missing, unexpected);
    }

    /** Writes the {@link #stateDict()} to a {@code .safetensors} file (which PyTorch's safetensors package reads). */
    public void save(Path path) {
        SafeTensors.write(path, stateDict());
    }

    /**
     * Loads a {@code .safetensors} file written by {@link #save} (or by PyTorch) with
     * {@link #loadStateDict strict} checking.
     *
     * @throws StateDictMismatchException when the names or shapes do not match this module's
     */
    public void load(Path path) {
        loadStateDict(SafeTensors.read(path), true);
    }

    // ---------------------------------------------------------------- substitution

    /**
     * Converts every floating parameter and floating buffer to {@code dtype} (as {@code module.to(dtype)}):
     * each becomes a new leaf tensor (parameters still require grad), and gradients are dropped. Integer
     * and bool buffers are kept. Returns this.
     */
    public Module to(DType dtype) {
        if (!dtype.isInexact()) {
            throw new IllegalArgumentException(describe() + ".to: dtype must be floating or complex, got " + dtype);
        }
        walk("", (name, m) -> {
            try (GradMode g = Autograd.noGrad()) {
                m.parameters.replaceAll((local, t) -> t.dtype() == dtype ? t : t.detach().to(dtype).requiresGrad(true));
                m.buffers.replaceAll((local, t) -> t.dtype().isInexact() && t.dtype() != dtype ? t.to(dtype) : t);
            }
        });
        return this;
    }

    /**
     * Moves every parameter and buffer to {@code device} (as {@code module.to(device)}): each parameter
     * becomes a new leaf there that requires grad, and gradients are dropped. Returns this. Create
     * optimizers after the move: they hold the parameter tensors.
     */
    public Module to(Device device) {
        walk("", (name, m) -> {
            try (GradMode g = Autograd.noGrad()) {
                m.parameters.replaceAll((local, t) -> t.device().equals(device) ? t : t.detach().to(device).requiresGrad(true));
                m.buffers.replaceAll((local, t) -> t.to(device));
            }
        });
        return this;
    }

    /**
     * Runs {@code body} with some parameters or buffers, given by full dotted name, replaced by other
     * tensors of the same shapes (which may be any tensors, computed ones included, so gradients flow to
     * them), then puts the module's own tensors back, as {@code torch.func.functional_call}. Tests use it
     * to check the gradients with respect to parameters; meta-learning uses it to differentiate through
     * updates.
     *
     * @throws IllegalArgumentException when a name is not a parameter or buffer of this module, or a shape
     *                                  differs
     */
    public <R> R withParameters(Map<String, Tensor> replacements, Supplier<R> body) {
        Map<String, Module> owners = namedModules();
        List<Runnable> restore = new ArrayList<>();
        List<Runnable> apply = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : replacements.entrySet()) {
            String full = e.getKey();
            int dot = full.lastIndexOf('.');
            Module owner = owners.get(dot < 0 ? "" : full.substring(0, dot + 1));
            String local = full.substring(dot + 1);
            Map<String, Tensor> slot = owner == null ? null
                    : owner.parameters.containsKey(local) ? owner.parameters
                    : owner.buffers.containsKey(local) ? owner.buffers : null;
            if (slot == null) {
                throw new IllegalArgumentException(describe() + ".withParameters: no parameter or buffer '" + full + "'");
            }
            Tensor old = slot.get(local);
            Tensor now = Objects.requireNonNull(e.getValue(), full);
            if (!Arrays.equals(old.shape(), now.shape())) {
                throw new IllegalArgumentException(describe() + ".withParameters: '" + full + "' has shape "
                        + Shapes.format(old.shape()) + ", replacement has " + Shapes.format(now.shape()));
            }
            apply.add(() -> slot.put(local, now));
            restore.add(() -> slot.put(local, old));
        }
        apply.forEach(Runnable::run);
        try {
            return body.get();
        } finally {
            restore.forEach(Runnable::run);
        }
    }

    // ---------------------------------------------------------------- printing

    /** The settings shown between the parentheses of {@link #toString()}, e.g. {@code in=4, out=3}; empty by default. */
    protected String extraRepr() {
        return "";
    }

    /** The class name with settings, and the submodules indented below, as PyTorch prints modules. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append('(').append(extraRepr());
        if (!modules.isEmpty()) {
            sb.append('\n');
            modules.forEach((name, m) -> sb.append("  (").append(name).append("): ")
                    .append(m.toString().replace("\n", "\n  ")).append('\n'));
        }
        return sb.append(')').toString();
    }

    /** The class name, for error messages. */
    protected final String describe() {
        return getClass().getSimpleName();
    }

    /** The class name with its settings on one line, e.g. {@code Linear(in=4, out=3, bias=true)}, for error messages. */
    protected final String signature() {
        return describe() + "(" + extraRepr() + ")";
    }
}
