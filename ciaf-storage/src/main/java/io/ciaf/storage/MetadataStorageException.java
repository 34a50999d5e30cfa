package io.ciaf.storage;

/**
 * Storage could not do what was asked: a path that cannot be created or written, a file that cannot be read,
 * a database that refuses a setting. The message names the path or file and, where there is one, the fix.
 * Nothing already stored is damaged when this is thrown.
 */
public class MetadataStorageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what failed, naming the path or file */
    public MetadataStorageException(String message) {
        super(message);
    }

    /** @param message what failed, naming the path or file; @param cause the underlying failure */
    public MetadataStorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
