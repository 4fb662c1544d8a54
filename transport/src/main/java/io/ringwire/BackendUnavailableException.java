package io.ringwire;

/** The requested backend cannot run on this machine or in this build; the message says why. */
public final class BackendUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BackendUnavailableException(String message) {
        super(message);
    }
}
