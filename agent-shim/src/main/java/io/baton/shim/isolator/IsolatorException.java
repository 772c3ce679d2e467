package io.baton.shim.isolator;

/** A container operation failed (cgroupfs refused a write, a path is missing, ...). */
public class IsolatorException extends Exception {
    private static final long serialVersionUID = 1L;

    public IsolatorException(String message) {
        super(message);
    }

    public IsolatorException(String message, Throwable cause) {
        super(message, cause);
    }
}
