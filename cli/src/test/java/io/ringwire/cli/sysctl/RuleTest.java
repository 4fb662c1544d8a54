package io.ringwire.cli.sysctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The raise-only rule and its siblings: apply never takes headroom away. */
class RuleTest {
    private static List<String> v(String s) {
        return List.of(s.split(" "));
    }

    @Test
    void setTakesTheProfileValue() {
        assertEquals(v("0"), Rule.SET.target(v("100"), v("0")));
        assertEquals(v("bbr"), Rule.SET.target(v("cubic"), v("bbr")));
    }

    @Test
    void raiseOnlyRaisesALowerValue() {
        assertEquals(v("65535"), Rule.RAISE_ONLY.target(v("4096"), v("65535")));
    }

    @Test
    void raiseOnlyNeverLowersAHigherValue() {
        assertEquals(v("9223372036854775807"), Rule.RAISE_ONLY.target(v("9223372036854775807"), v("2097152")));
    }

    @Test
    void raiseOnlyComparesVectorsElementWise() {
        // min is higher on the machine, default lower, max equal: each element keeps the higher.
        assertEquals(v("8192 131072 67108864"), Rule.RAISE_ONLY.target(v("8192 87380 67108864"), v("4096 131072 67108864")));
        assertEquals(v("4096 131072 67108864"), Rule.RAISE_ONLY.target(v("4096 131072 6291456"), v("4096 131072 67108864")));
    }

    @Test
    void raiseOnlyHandlesNumbersBeyondLong() {
        assertEquals(v("18446744073709551616"), Rule.RAISE_ONLY.target(v("18446744073709551616"), v("1")));
    }

    @Test
    void raiseOnlyNeverLowersAnyElementRandomised() {
        Random random = new Random(42);
        for (int i = 0; i < 2000; i++) {
            int n = 1 + random.nextInt(3);
            List<String> cur = new ArrayList<>();
            List<String> want = new ArrayList<>();
            for (int j = 0; j < n; j++) {
                cur.add(Long.toString(random.nextLong() >> random.nextInt(63)));
                want.add(Long.toString(random.nextLong() >> random.nextInt(63)));
            }
            List<String> out = Rule.RAISE_ONLY.target(cur, want);
            for (int j = 0; j < n; j++) {
                BigInteger o = new BigInteger(out.get(j));
                assertTrue(o.compareTo(new BigInteger(cur.get(j))) >= 0, "lowered " + cur + " with " + want);
                assertTrue(o.compareTo(new BigInteger(want.get(j))) >= 0, "ignored the profile " + want);
                assertTrue(o.toString().equals(cur.get(j)) || o.toString().equals(want.get(j)), "invented a value");
            }
        }
    }

    @Test
    void widenOnlyOnlyWidensARange() {
        assertEquals(v("10000 65535"), Rule.WIDEN_ONLY.target(v("32768 60999"), v("10000 65535")));
        assertEquals(v("1024 65535"), Rule.WIDEN_ONLY.target(v("1024 60999"), v("10000 65535")), "keeps the lower start");
        assertEquals(v("1024 65535"), Rule.WIDEN_ONLY.target(v("1024 65535"), v("10000 60999")), "never narrows");
    }

    @Test
    void addBitsOnlyAddsBits() {
        assertEquals(v("3"), Rule.ADD_BITS.target(v("1"), v("3")));
        assertEquals(v("1027"), Rule.ADD_BITS.target(v("1025"), v("3")), "0x400 set by the operator survives");
        assertEquals(v("3"), Rule.ADD_BITS.target(v("3"), v("1")));
    }

    @Test
    void refusesToCompareWhatItCannot() {
        assertThrows(IllegalArgumentException.class, () -> Rule.RAISE_ONLY.target(v("4096 131072"), v("4096 131072 6291456")));
        assertThrows(IllegalArgumentException.class, () -> Rule.RAISE_ONLY.target(v("cubic"), v("5")));
        assertThrows(IllegalArgumentException.class, () -> Rule.RAISE_ONLY.target(List.of(), v("5")));
        assertThrows(IllegalArgumentException.class, () -> Rule.WIDEN_ONLY.target(v("1"), v("2")));
        assertThrows(IllegalArgumentException.class, () -> Rule.ADD_BITS.target(v("1 2"), v("2 3")));
        assertThrows(IllegalArgumentException.class, () -> Rule.ADD_BITS.target(v("-1"), v("2")));
        assertThrows(IllegalArgumentException.class, () -> Rule.ADD_BITS.target(v("0x3"), v("2")));
    }

    @Test
    void markersAreRecognisedOnlyAsWholeWords() {
        assertEquals(Rule.RAISE_ONLY, Rule.fromComment(" raise-only").orElseThrow());
        assertEquals(Rule.RAISE_ONLY, Rule.fromComment(" raise-only: never lower").orElseThrow());
        assertEquals(Rule.WIDEN_ONLY, Rule.fromComment("widen-only").orElseThrow());
        assertEquals(Rule.ADD_BITS, Rule.fromComment("  add-bits ").orElseThrow());
        assertTrue(Rule.fromComment(" raise-only-ish").isEmpty());
        assertTrue(Rule.fromComment(" it is raise-only").isEmpty());
    }
}
