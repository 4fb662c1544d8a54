package io.ringwire.loop;

import io.ringwire.internal.Errors;

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
        // Building each type once loads it and everything its construction needs.
        Errors.newException("preload", null, -1);
        new Errors.TimedOut("preload", 0, "preload");
        new Errors.Closed("preload");
        AcceptBackoff.isExhaustion(0);
        TimerWheel w = new TimerWheel(0);
        w.schedule(new ScheduledTask(null, () -> { }), 0);
        w.expire(1, e -> { });
        System.getLogger("io.ringwire.server").isLoggable(System.Logger.Level.TRACE);
        done = true;
    }
}
