package io.meridian.node.server;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What SHUTDOWN does, in Redis's order (finishShutdown): each {@link Step} runs on the command
 * thread before the node stops (persistence registers its final SAVE here) and may refuse
 * the shutdown; then the node stops and the {@link #afterStop} actions run (the launcher
 * exits the process with status 0, as redis-server does).
 */
public final class Shutdown {
    /** SHUTDOWN's modifiers. save/noSave are both false when neither was given (save when save points exist). */
    public record Options(boolean save, boolean noSave, boolean now, boolean force) {}

    /** One step before the node stops. */
    @FunctionalInterface
    public interface Step {
        /**
         * Runs the step; returns null when done, or the reason it failed (logged). A failure
         * cancels the shutdown unless FORCE was given.
         */
        String run(Options options);
    }

    private final List<Step> steps = new CopyOnWriteArrayList<>();
    private final List<Runnable> afterStop = new CopyOnWriteArrayList<>();

    /** Adds a step run before stopping, e.g. the final RDB save. */
    public void addStep(Step step) {
        steps.add(step);
    }

    /** Adds an action run after the node has stopped (on a thread of its own). */
    public void afterStop(Runnable action) {
        afterStop.add(action);
    }

    public List<Step> steps() {
        return steps;
    }

    public List<Runnable> afterStopActions() {
        return afterStop;
    }
}
