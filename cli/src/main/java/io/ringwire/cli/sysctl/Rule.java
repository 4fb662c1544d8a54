package io.ringwire.cli.sysctl;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How {@code ringwire sysctl apply} treats a profile value against the value the machine already
 * has. A profile marks a key with a comment line holding the rule's {@link #marker()}, such as
 * {@code # raise-only}, in the comment block right above the key.
 *
 * <p>The rules exist so that applying a profile never takes away headroom an operator gave the
 * machine on purpose: a limit already higher stays higher. They compare numbers only; a value
 * that is not made of integers, or has another element count, cannot be compared, and apply
 * leaves the key alone rather than guess.
 */
public enum Rule {
    /** The profile value is written as it is. */
    SET(null),
    /** Never lower: each element becomes the higher of current and profile, so vectors such as tcp_rmem compare element-wise. */
    RAISE_ONLY("raise-only"),
    /** A two-number range is only widened: the lower of the first numbers, the higher of the second. */
    WIDEN_ONLY("widen-only"),
    /** A bitmap only gains bits: current OR profile, so bits set by the operator survive. */
    ADD_BITS("add-bits");

    private final String marker;

    Rule(String marker) {
        this.marker = marker;
    }

    /** The comment text that selects this rule, or null for {@link #SET}. */
    public String marker() {
        return marker;
    }

    /** Why apply keeps the machine's value whole instead of the profile's. */
    String keptNote(String profileValue) {
        return switch (this) {
            case RAISE_ONLY -> marker + ": already above the profile's " + profileValue;
            case WIDEN_ONLY -> marker + ": already covers the profile's " + profileValue;
            case ADD_BITS -> marker + ": already has every bit of the profile's " + profileValue;
            case SET -> "same";
        };
    }

    /** Why apply writes a mix of the machine's and the profile's value. */
    String mixedNote(String profileValue) {
        return switch (this) {
            case RAISE_ONLY -> marker + ": keeps the elements already above the profile's " + profileValue;
            case WIDEN_ONLY -> marker + ": keeps the bound already beyond the profile's " + profileValue;
            case ADD_BITS -> marker + ": keeps the machine's bits beside the profile's " + profileValue;
            case SET -> "";
        };
    }

    /** The rule a comment's text (after the {@code #}) names, if it names one. */
    static Optional<Rule> fromComment(String text) {
        String t = text.strip();
        for (Rule r : values()) {
            if (r.marker != null && t.startsWith(r.marker)
                    && (t.length() == r.marker.length() || !isWordChar(t.charAt(r.marker.length())))) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '-' || c == '_';
    }

    /**
     * The value apply should leave in place, given the machine's and the profile's.
     *
     * @throws IllegalArgumentException when the rule cannot compare the two; the message says why
     */
    public List<String> target(List<String> current, List<String> profile) {
        if (this == SET) {
            return profile;
        }
        List<BigInteger> cur = numbers(current, "the machine's value");
        List<BigInteger> want = numbers(profile, "the profile's value");
        if (cur.size() != want.size()) {
            throw new IllegalArgumentException(marker + " cannot compare " + cur.size() + " numbers with " + want.size());
        }
        List<BigInteger> out = new ArrayList<>(cur.size());
        switch (this) {
            case RAISE_ONLY -> {
                for (int i = 0; i < cur.size(); i++) {
                    out.add(cur.get(i).max(want.get(i)));
                }
            }
            case WIDEN_ONLY -> {
                if (cur.size() != 2) {
                    throw new IllegalArgumentException("widen-only needs a range of two numbers, not " + cur.size());
                }
                out.add(cur.get(0).min(want.get(0)));
                out.add(cur.get(1).max(want.get(1)));
            }
            case ADD_BITS -> {
                if (cur.size() != 1) {
                    throw new IllegalArgumentException("add-bits needs one number, not " + cur.size());
                }
                if (cur.get(0).signum() < 0 || want.get(0).signum() < 0) {
                    throw new IllegalArgumentException("add-bits needs non-negative numbers");
                }
                out.add(cur.get(0).or(want.get(0)));
            }
            default -> throw new AssertionError(this);
        }
        return out.stream().map(BigInteger::toString).toList();
    }

    private List<BigInteger> numbers(List<String> tokens, String what) {
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException(marker + " cannot compare an empty value");
        }
        List<BigInteger> out = new ArrayList<>(tokens.size());
        for (String t : tokens) {
            try {
                out.add(new BigInteger(t));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(marker + " compares integers, and " + what + " has '" + t + "'");
            }
        }
        return out;
    }
}
