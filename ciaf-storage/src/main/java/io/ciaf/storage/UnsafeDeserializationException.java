package io.ciaf.storage;

/**
 * A Java-serialization file held a class outside the allowlist. The class was never instantiated; the file
 * may have been tampered with. {@link #refusedClass()} names it.
 */
public class UnsafeDeserializationException extends MetadataStorageException {

    private static final long serialVersionUID = 1L;

    private final String refusedClass;

    /** @param refusedClass the class refused; @param message where it was found and what to do */
    public UnsafeDeserializationException(String refusedClass, String message) {
        super(message);
        this.refusedClass = refusedClass;
    }

    /** The fully qualified name of the class that was refused. */
    public String refusedClass() {
        return refusedClass;
    }
}
