package io.ciaf.ledger;

/**
 * The ledger could not do what was asked: no ledger at the home, a file that is not a CIAF ledger, a
 * PRAGMA the file system refused, an I/O error, or an argument out of range. The message names the
 * problem, where it is, and how to fix it.
 */
public class LedgerException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public LedgerException(String message) {
        super(message);
    }

    public LedgerException(String message, Throwable cause) {
        super(message, cause);
    }
}
