package dev.jacobi.nn.optim;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Storage;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import dev.jacobi.tensor.autograd.GradMode;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parameter groups, per-parameter state and the state dict, shared by the optimizers; a subclass
 * supplies the update of one parameter and the names of the state it keeps.
 *
 * @param <O> the options record
 */
abstract class BaseOptimizer<O extends OptimizerOptions<O>> implements Optimizer {
    private final String name;
    private final List<Tensor> params = new ArrayList<>();
    private final List<int[]> groupParams = new ArrayList<>();
    private final List<O> options = new ArrayList<>();
    private final int[] groupOf;
    /** State of parameter i by PyTorch's name; empty until its first step. */
    private final List<Map<String, Tensor>> state = new ArrayList<>();

    BaseOptimizer(String name, List<ParamGroup<O>> groups) {
        this.name = name;
        if (groups.isEmpty()) {
            throw new IllegalArgumentException(name + ": no parameter groups given");
        }
        Map<Tensor, Integer> seen = new IdentityHashMap<>();
        List<Integer> owner = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            ParamGroup<O> group = groups.get(g);
            validate(group.options());
            int[] indices = new int[group.params().size()];
            for (int k = 0; k < indices.length; k++) {
                Tensor p = group.params().get(k);
                if (!p.dtype().isFloatingPoint() || !p.isLeaf() || !p.requiresGrad()) {
                    throw new IllegalArgumentException(name + ": parameter " + k + " of group " + g + " (shape "
                            + Shapes.format(p.shape()) + ", " + p.dtype() + ") must be a floating-point leaf tensor"
                            + " that requires grad");
                }
                Integer before = seen.putIfAbsent(p, params.size());
                if (before != null) {
                    throw new IllegalArgumentException(name + ": parameter " + k + " of group " + g
                            + " was already given as parameter " + before);
                }
                indices[k] = params.size();
                params.add(p);
                owner.add(g);
                state.add(new LinkedHashMap<>());
            }
            groupParams.add(indices);
            options.add(group.options());
        }
        groupOf = owner.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Checks a group's options (beyond what the record's constructor checks). */
    abstract void validate(O o);

    /**
     * Updates parameter {@code p} in place from {@code grad} (same shape and dtype), reading and writing
     * its {@code state} (empty on its first step; state tensors are made with {@link #stateTensor}).
     * Runs inside {@code Autograd.noGrad()}.
     */
    abstract void update(Tensor p, Tensor grad, O o, Map<String, Tensor> state);

    /** The state entries a parameter has after a step with options {@code o}. */
    abstract List<String> stateNames(O o);

    @Override
    public void step() {
        try (GradMode g = Autograd.noGrad()) {
            for (int i = 0; i < params.size(); i++) {
                Tensor p = params.get(i);
                Tensor grad = p.grad();
                if (grad == null) {
                    continue;
                }
                if (!Arrays.equals(grad.shape(), p.shape())) {
                    throw new IllegalStateException(name + ".step: the gradient of parameter " + i + " has shape "
                            + Shapes.format(grad.shape()) + ", the parameter " + Shapes.format(p.shape()));
                }
                update(p, grad.dtype() == p.dtype() ? grad : grad.to(p.dtype()), options.get(groupOf[i]), state.get(i));
            }
        }
    }

    @Override
    public void zeroGrad() {
        for (Tensor p : params) {
            p.setGrad(null);
        }
    }

    @Override
    public List<Tensor> parameters() {
        return Collections.unmodifiableList(params);
    }

    @Override
    public int groupCount() {
        return options.size();
    }

    /** The options of a group. */
    public O options(int group) {
        return options.get(checkGroup(group));
    }

    @Override
    public double learningRate(int group) {
        return options.get(checkGroup(group)).lr();
    }

    @Override
    public void setLearningRate(int group, double lr) {
        OptimizerOptions.checkLr(name + ".setLearningRate", lr);
        options.set(checkGroup(group), options.get(group).withLr(lr));
    }

    private int checkGroup(int group) {
        if (group < 0 || group >= options.size()) {
            throw new IndexOutOfBoundsException(name + ": group " + group + " of " + options.size());
        }
        return group;
    }

    /**
     * A zeroed state tensor of p's dtype and shape on p's device (where the plain update then runs as
     * device tensor ops), owned by the garbage collector as {@link #stateTensor} is.
     */
    static Tensor stateLike(Tensor p) {
        return stateTensor(p.dtype(), p.shape()).to(p.device());
    }

    /**
     * A zeroed contiguous tensor owned by the garbage collector, whatever {@code Scope} is open: optimizer
     * state must outlive the scope of the step that creates it.
     */
    static Tensor stateTensor(DType dtype, int[] shape) {
        long n = Shapes.numel(shape);
        Storage s = Storage.wrap(dtype, n, Arena.ofAuto().allocate(Math.max(1, n * dtype.byteSize()), Storage.ALIGNMENT));
        return Tensor.view(s, shape, Shapes.contiguousStrides(shape), 0);
    }

    // ---------------------------------------------------------------- state dict

    @Override
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            for (Map.Entry<String, Tensor> e : state.get(i).entrySet()) {
                out.put("state." + i + "." + e.getKey(), e.getValue().copy());
            }
        }
        for (int g = 0; g < options.size(); g++) {
            for (Map.Entry<String, Double> e : options.get(g).asMap().entrySet()) {
                out.put("param_groups." + g + "." + e.getKey(), Tensor.scalar(e.getValue()));
            }
            out.put("param_groups." + g + ".params", Tensor.ofInts(groupParams.get(g), groupParams.get(g).length));
        }
        return out;
    }

    @Override
    public void loadStateDict(Map<String, Tensor> dict) {
        List<String> problems = new ArrayList<>();
        List<O> newOptions = new ArrayList<>();
        for (int g = 0; g < options.size(); g++) {
            Map<String, Double> values = new LinkedHashMap<>();
            for (String key : options.get(g).asMap().keySet()) {
                Tensor t = dict.get("param_groups." + g + "." + key);
                if (t == null) {
                    problems.add("missing param_groups." + g + "." + key);
                } else if (t.numel() != 1) {
                    problems.add("param_groups." + g + "." + key + " has shape " + Shapes.format(t.shape()) + ", expected []");
                } else {
                    values.put(key, t.reshape().item());
                }
            }
            Tensor ids = dict.get("param_groups." + g + ".params");
            if (ids == null) {
                problems.add("missing param_groups." + g + ".params");
            } else if (!Arrays.equals(ids.to(DType.INT32).reshape(-1).toIntArray(), groupParams.get(g))) {
                problems.add("param_groups." + g + ".params lists parameters " + Arrays.toString(ids.to(DType.INT32).reshape(-1).toIntArray())
                        + ", this optimizer's group has " + Arrays.toString(groupParams.get(g)));
            }
            O o = options.get(g);
            if (values.size() == o.asMap().size()) {
                try {
                    o = o.fromMap(values);
                    validate(o);
                } catch (IllegalArgumentException e) {
                    problems.add("param_groups." + g + ": " + e.getMessage());
                }
            }
            newOptions.add(o);
        }
        List<Map<String, Tensor>> loaded = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            loaded.add(new LinkedHashMap<>());
        }
        for (Map.Entry<String, Tensor> e : dict.entrySet()) {
            String key = e.getKey();
            if (key.startsWith("param_groups.")) {
                String[] parts = key.split("\\.", 3);
                int g = parseIndex(parts.length == 3 ? parts[1] : "");
                if (g < 0 || g >= options.size() || !(parts[2].equals("params") || options.get(g).asMap().containsKey(parts[2]))) {
                    problems.add("unexpected " + key);
                }
                continue;
            }
            String[] parts = key.split("\\.", 3);
            int i = parts.length == 3 && parts[0].equals("state") ? parseIndex(parts[1]) : -1;
            if (i < 0 || i >= params.size() || !stateNames(newOptions.get(groupOf[i])).contains(parts[2])) {
                problems.add("unexpected " + key);
                continue;
            }
            int[] want = parts[2].equals("step") ? new int[0] : params.get(i).shape();
            if (!Arrays.equals(e.getValue().shape(), want)) {
                problems.add(key + " has shape " + Shapes.format(e.getValue().shape()) + ", expected " + Shapes.format(want));
                continue;
            }
            loaded.get(i).put(parts[2], e.getValue());
        }
        for (int i = 0; i < params.size(); i++) {
            if (loaded.get(i).isEmpty()) {
                continue; // this parameter had not been stepped
            }
            for (String n : stateNames(newOptions.get(groupOf[i]))) {
                if (!loaded.get(i).containsKey(n)) {
                    problems.add("missing state." + i + "." + n);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(name + ".loadStateDict: " + String.join("; ", problems));
        }
        for (int g = 0; g < options.size(); g++) {
            options.set(g, newOptions.get(g));
        }
        for (int i = 0; i < params.size(); i++) {
            Map<String, Tensor> s = state.get(i);
            s.clear();
            for (String n : stateNames(newOptions.get(groupOf[i]))) {
                Tensor src = loaded.get(i).get(n);
                if (src == null) {
                    continue;
                }
                DType dt = n.equals("step") ? DType.FLOAT64 : params.get(i).dtype();
                s.put(n, stateTensor(dt, src.shape()).copyFrom(src));
            }
        }
    }

    private static int parseIndex(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
