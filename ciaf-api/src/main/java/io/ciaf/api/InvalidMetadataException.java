package io.ciaf.api;

/**
 * A metadata value or record field was refused. {@link #keyPath()} names where, e.g.
 * {@code hyperparameters.layers[2]} or {@code model_name}.
 */
public class InvalidMetadataException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String keyPath;

    /**
     * @param keyPath where the bad value is: a metadata key path or a record field name
     * @param problem what is wrong and how to fix it
     */
    public InvalidMetadataException(String keyPath, String problem) {
        super(keyPath + ": " + problem);
        this.keyPath = keyPath;
    }

    /** Where the refused value is: a metadata key path such as {@code a.b[3]} or a record field name. */
    public String keyPath() {
        return keyPath;
    }
}
