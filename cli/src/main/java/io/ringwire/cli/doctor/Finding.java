package io.ringwire.cli.doctor;

import java.util.Objects;

/**
 * One line of the doctor's report.
 *
 * @param check  a short stable name, such as {@code somaxconn} (scripts key on it in {@code --json})
 * @param status the verdict
 * @param detail what was found, in one line
 * @param fix    one line saying what to do; null for {@link Status#OK}
 */
public record Finding(String check, Status status, String detail, String fix) {
    public Finding {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
        if ((status == Status.OK) != (fix == null)) {
            throw new IllegalArgumentException(check + ": a fix goes with WARN and FAIL, and only with them");
        }
    }

    static Finding ok(String check, String detail) {
        return new Finding(check, Status.OK, detail, null);
    }

    static Finding warn(String check, String detail, String fix) {
        return new Finding(check, Status.WARN, detail, fix);
    }

    static Finding fail(String check, String detail, String fix) {
        return new Finding(check, Status.FAIL, detail, fix);
    }

    /** The report line: {@code STATUS check: detail}, then {@code ; fix: ...} unless OK. */
    public String line() {
        return String.format("%-4s  %-13s %s", status, check, detail) + (fix == null ? "" : "; fix: " + fix);
    }
}
