package io.ciaf.ledger;

/**
 * A proof, signature or checkpoint did not verify. Verification methods throw this instead of returning a
 * boolean, so a failure cannot be ignored by accident.
 */
public class VerificationException extends LedgerException {

    private static final long serialVersionUID = 1L;

    public VerificationException(String message) {
        super(message);
    }
}
