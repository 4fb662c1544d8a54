package io.ringwire.testutil;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Keeps ringwire's log records in memory instead of printing them, so tests that provoke a
 * warning on purpose (a throwing handler, a refused connection) leave the build output clean and
 * can assert on what was logged. Records at SEVERE still go to stderr: a loop that dies must be
 * seen.
 *
 * <p>Registered for every Jupiter test through ServiceLoader auto-detection
 * (src/test/resources/junit-platform.properties); installing it twice is harmless.
 */
public final class LogCapture implements BeforeAllCallback {
    private static final int MAX_RECORDS = 2000;
    /** JUL holds loggers weakly: keep ours, or its configuration could be collected with it. */
    private static final Logger RINGWIRE = Logger.getLogger("io.ringwire");
    private static final ArrayDeque<LogRecord> RECORDS = new ArrayDeque<>();
    private static boolean installed;

    @Override
    public void beforeAll(ExtensionContext context) {
        install();
    }

    public static synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        RINGWIRE.setUseParentHandlers(false);
        RINGWIRE.setLevel(Level.ALL);
        RINGWIRE.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                synchronized (RECORDS) {
                    if (RECORDS.size() == MAX_RECORDS) {
                        RECORDS.pollFirst();
                    }
                    RECORDS.addLast(record);
                }
                if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                    System.err.println("ringwire " + record.getLevel() + " " + record.getLoggerName() + ": "
                            + record.getMessage() + (record.getThrown() == null ? "" : " " + record.getThrown()));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
    }

    /** Messages of the records kept so far whose level is at least {@code level}. */
    public static List<String> messages(Level level) {
        List<String> out = new ArrayList<>();
        synchronized (RECORDS) {
            for (LogRecord r : RECORDS) {
                if (r.getLevel().intValue() >= level.intValue()) {
                    out.add(r.getMessage());
                }
            }
        }
        return out;
    }
}
