package io.ringwire.epoll;

import io.ringwire.internal.Errors;
import io.ringwire.loop.AbstractEventLoop;

/**
 * Loads the classes that error paths need before they are needed. Loading a class opens its jar
 * or file, so when the process runs out of descriptors (the very error being handled) a first
 * use fails with NoClassDefFoundError. Runs once, when the first loop starts.
 */
final class Preload {
    private static volatile boolean done;

    private Preload() {
    }

    static void classes() {
        if (done) {
            return;
        }
        // Building each exception type once loads it and everything its construction needs.
        Errors.newException("preload", null, -1);
        new Errors.TimedOut("preload", 0, "preload");
        new Errors.Closed("preload");
        AbstractEventLoop.preloadTimerClasses();
        Logs.quietly(System.getLogger("io.ringwire.loop"), System.Logger.Level.TRACE, "preloaded", null);
        done = true;
    }
}
