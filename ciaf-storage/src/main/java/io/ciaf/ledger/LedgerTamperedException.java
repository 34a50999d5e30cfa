package io.ciaf.ledger;

import java.util.OptionalLong;

/**
 * Verification found the ledger altered. {@link #position()} is the first position that is wrong (empty
 * when the problem is a checkpoint file rather than an entry) and {@link #reason()} says what is wrong
 * there: the payload does not match its hash, the chain is broken, a position is missing, a timestamp does
 * not increase, or the tree does not match a signed checkpoint.
 */
public final class LedgerTamperedException extends VerificationException {

    private static final long serialVersionUID = 1L;

    private final long position;
    private final String reason;

    LedgerTamperedException(long position, String reason) {
        super((position >= 0 ? "TAMPERED at position " + position : "TAMPERED") + ": " + reason);
        this.position = position;
        this.reason = reason;
    }

    /** The first bad position, or empty when the problem is not one entry (e.g. a forged checkpoint file). */
    public OptionalLong position() {
        return position >= 0 ? OptionalLong.of(position) : OptionalLong.empty();
    }

    /** What is wrong, in one sentence. */
    public String reason() {
        return reason;
    }
}
