package io.ciaf.storage;

/**
 * A backup's checksum file is missing or does not match the backup: it was altered, truncated or swapped.
 * Nothing was restored.
 */
public class BackupIntegrityException extends MetadataStorageException {

    private static final long serialVersionUID = 1L;

    /** @param message which file and which checksums */
    public BackupIntegrityException(String message) {
        super(message);
    }
}
