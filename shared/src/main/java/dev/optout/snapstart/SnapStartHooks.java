package dev.optout.snapstart;

import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * A function's Lambda SnapStart runtime hooks ({@code org.crac}, which Lambda honours): priming
 * before the snapshot, renewal after each restore. Registered once, from the handler's Lambda
 * constructor; never called in an ordinary (non-SnapStart) start, so priming costs a plain cold
 * start nothing.
 *
 * <p>{@code org.crac} keeps only a weak reference to a registered resource: the handler holds this
 * object in a field so that it lives as long as the handler.
 */
public final class SnapStartHooks implements Resource {
    private final Runnable priming;
    private final Runnable afterRestore;

    private SnapStartHooks(Runnable priming, Runnable afterRestore) {
        this.priming = priming;
        this.afterRestore = afterRestore;
    }

    /**
     * Registers hooks with the global {@code org.crac} context.
     *
     * @param priming      runs the request path once on representative input, writing nothing
     * @param afterRestore renews what must not be shared between restored environments
     */
    public static SnapStartHooks register(Runnable priming, Runnable afterRestore) {
        SnapStartHooks hooks = new SnapStartHooks(priming, afterRestore);
        Core.getGlobalContext().register(hooks);
        return hooks;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        priming.run();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        afterRestore.run();
    }
}
