package io.ringwire.cli.doctor;

/** A check's verdict. Doctor exits 1 if any check says {@link #FAIL}. */
public enum Status {
    /** Fine as it is. */
    OK,
    /** ringwire runs, but slower, smaller or less predictably than it could; the fix says how to do better. */
    WARN,
    /** ringwire cannot run here as it is. */
    FAIL
}
