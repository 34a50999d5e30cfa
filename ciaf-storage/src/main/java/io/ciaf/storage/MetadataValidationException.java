package io.ciaf.storage;

import java.util.List;

/**
 * A strict storage refused to save records that failed their stage validators. {@link #errors()} lists every
 * error of every record in the call, each prefixed with the record's id, model and event; none of the
 * records was saved.
 */
public class MetadataValidationException extends MetadataStorageException {

    private static final long serialVersionUID = 1L;

    private final List<String> errors;

    /** @param errors every validation error found */
    public MetadataValidationException(List<String> errors) {
        super("refused " + errors.size() + " validation error" + (errors.size() == 1 ? "" : "s")
                + " (storage is strict):\n  " + String.join("\n  ", errors));
        this.errors = List.copyOf(errors);
    }

    /** Every validation error, one sentence each. */
    public List<String> errors() {
        return errors;
    }
}
