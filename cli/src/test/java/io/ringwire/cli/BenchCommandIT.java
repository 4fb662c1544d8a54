package io.ringwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code bin/ringwire bench} hands its arguments to the comparison runner. Only the argument
 * handling is tested here: a real run takes minutes and belongs to {@code make bench}. The runner
 * checks its arguments before it builds or installs anything, so these runs start nothing.
 */
@Timeout(120)
class BenchCommandIT {

    @Test
    void helpIsTheRunnersOwn() throws Exception {
        DoctorIT.Run r = DoctorIT.run("bench", "--help");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("usage: ringwire bench"), r.out());
        for (String option : new String[] {"--quick", "--only", "--rate", "--runs", "--wait-budget"}) {
            assertTrue(r.out().contains(option), "help lacks " + option + ":\n" + r.out());
        }
        assertFalse(r.err().contains("WARNING"), "a JVM warning reached the terminal: " + r.err());
    }

    @Test
    void anUnknownArgumentIsNamedAndExitsTwo() throws Exception {
        DoctorIT.Run r = DoctorIT.run("bench", "--quick", "--bogus");
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("--bogus"), r.err());
        assertEquals("", r.out(), "nothing ran");
    }

    @Test
    void aBadValueIsNamedAndExitsTwo() throws Exception {
        DoctorIT.Run r = DoctorIT.run("bench", "--only", "smtp");
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("--only") && r.err().contains("smtp"), r.err());
    }

    @Test
    void theTopLevelHelpListsIt() throws Exception {
        DoctorIT.Run r = DoctorIT.run("--help");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.strip().startsWith("bench ")), r.out());
    }
}
