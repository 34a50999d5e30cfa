package io.ciaf.storage.internal;

/** Internal. One stored or imported record could not be read back; the message says why. */
public final class CorruptRecordException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public CorruptRecordException(String message) {
        super(message);
    }
}
