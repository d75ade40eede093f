package dev.jacobi.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * An indexed list of submodules named {@code "0", "1", ...}, as {@code torch.nn.ModuleList}: the state
 * dict names of the i-th module's tensors start with {@code "i."}. It does not compute anything itself.
 *
 * @param <M> the type of the modules
 */
public final class ModuleList<M extends Module> extends Module implements Iterable<M> {
    private final List<M> items = new ArrayList<>();

    /** An empty list. */
    public ModuleList() {
    }

    /** A list of the given modules, in order. */
    public static <M extends Module> ModuleList<M> of(List<? extends M> modules) {
        ModuleList<M> list = new ModuleList<>();
        modules.forEach(list::add);
        return list;
    }

    /** Appends {@code module} under the next index. Returns this. */
    public ModuleList<M> add(M module) {
        registerModule(Integer.toString(items.size()), module);
        items.add(module);
        return this;
    }

    /**
     * The module at {@code index}.
     *
     * @throws IndexOutOfBoundsException when the index is outside [0, size)
     */
    public M get(int index) {
        return items.get(index);
    }

    /** The number of modules. */
    public int size() {
        return items.size();
    }

    /** The modules in order (unmodifiable). */
    public List<M> asList() {
        return Collections.unmodifiableList(items);
    }

    @Override
    public Iterator<M> iterator() {
        return asList().iterator();
    }
}
