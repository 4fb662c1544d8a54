package io.ringwire.cli.sysctl;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A profile held against a machine: for each key, what it is now and what apply would leave.
 * Computing a plan only reads; {@code sysctl diff} prints one and {@code sysctl apply} carries
 * one out.
 *
 * @param profile the profile compared
 * @param tree    the sysctls compared against
 * @param entries one per profile key, in profile order
 */
public record Plan(Profile profile, SysctlTree tree, List<Entry> entries) {

    /** What apply does with one key. */
    public enum Outcome {
        /** The machine already has the profile's value. */
        SAME("same"),
        /** Apply writes {@link Entry#target()}. */
        CHANGE("change"),
        /** The machine's value is already past the profile's, and the rule keeps it. */
        KEEP("keep"),
        /** This kernel has no such key; apply skips it. */
        ABSENT("absent"),
        /** The key cannot be read, or the rule cannot compare the values; apply leaves it alone. */
        SKIP("skip");

        private final String label;

        Outcome(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * @param setting the profile line
     * @param current the machine's value, or null when absent or unreadable
     * @param target  what apply leaves in place (equal to current unless {@link Outcome#CHANGE}),
     *                or null when absent or skipped
     * @param note    why, for KEEP, SKIP and partial raises; null otherwise
     */
    public record Entry(Setting setting, List<String> current, List<String> target, Outcome outcome, String note) {
    }

    /** Reads every key of the profile from the tree and decides its outcome. */
    public static Plan of(Profile profile, SysctlTree tree) {
        List<Entry> entries = new ArrayList<>();
        for (Setting s : profile.settings()) {
            entries.add(decide(s, tree));
        }
        return new Plan(profile, tree, entries);
    }

    static Entry decide(Setting s, SysctlTree tree) {
        Optional<List<String>> read;
        try {
            read = tree.read(s.key());
        } catch (IOException e) {
            return new Entry(s, null, null, Outcome.SKIP, "cannot read it: " + e);
        }
        if (read.isEmpty()) {
            return new Entry(s, null, null, Outcome.ABSENT, "this kernel has no such key");
        }
        List<String> current = read.get();
        List<String> target;
        try {
            target = s.rule().target(current, s.value());
        } catch (IllegalArgumentException e) {
            return new Entry(s, current, current, Outcome.SKIP, e.getMessage());
        }
        if (target.equals(current)) {
            return current.equals(s.value())
                    ? new Entry(s, current, current, Outcome.SAME, null)
                    : new Entry(s, current, current, Outcome.KEEP, s.rule().keptNote(s.valueText()));
        }
        String note = target.equals(s.value()) ? null : s.rule().mixedNote(s.valueText());
        return new Entry(s, current, target, Outcome.CHANGE, note);
    }

    /** The entries apply would write. */
    public List<Entry> changes() {
        return entries.stream().filter(e -> e.outcome() == Outcome.CHANGE).toList();
    }

    public long count(Outcome outcome) {
        return entries.stream().filter(e -> e.outcome() == outcome).count();
    }

    /** The diff, one line per key, then a summary line; what {@code sysctl diff} prints. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        out.add("profile " + profile.name() + " (" + profile.source() + ") against " + tree.root());
        int width = entries.stream().mapToInt(e -> e.setting().key().length()).max().orElse(0);
        for (Entry e : entries) {
            out.add(String.format("%-6s  %-" + width + "s  %s", e.outcome().label(), e.setting().key(), valueColumn(e)));
        }
        out.add(entries.size() + " keys: " + count(Outcome.CHANGE) + " to change, " + count(Outcome.SAME) + " same, "
                + count(Outcome.KEEP) + " kept higher, " + count(Outcome.ABSENT) + " absent, "
                + count(Outcome.SKIP) + " skipped");
        return out;
    }

    private static String valueColumn(Entry e) {
        String profileValue = e.setting().valueText();
        return switch (e.outcome()) {
            case SAME -> join(e.current());
            case CHANGE -> join(e.current()) + " -> " + join(e.target()) + (e.note() == null ? "" : " (" + e.note() + ")");
            case KEEP -> join(e.current()) + " (" + e.note() + ")";
            case ABSENT -> "(profile " + profileValue + "; " + e.note() + ")";
            case SKIP -> (e.current() == null ? "" : join(e.current()) + " ") + "(profile " + profileValue + "; "
                    + e.note() + "; left alone)";
        };
    }

    static String join(List<String> value) {
        return value.isEmpty() ? "\"\"" : String.join(" ", value);
    }
}
