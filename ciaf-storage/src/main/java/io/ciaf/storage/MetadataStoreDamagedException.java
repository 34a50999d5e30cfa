package io.ciaf.storage;

import java.nio.file.Path;

/**
 * A store's database file is not a database, or is corrupt: it cannot be opened as it is. The ledger holds every
 * record that went into it, so the store can be rebuilt from the ledger ({@code ciaf rebuild}), which moves the
 * damaged one aside first. Nothing was changed in the file.
 */
public class MetadataStoreDamagedException extends MetadataStorageException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /** @param file the damaged file; @param cause what the database reported */
    public MetadataStoreDamagedException(Path file, Throwable cause) {
        super("the metadata store's database " + file + " is damaged or not a database (" + cause.getMessage()
                + "); the ledger holds its records: rebuild the store from it with ciaf rebuild, which keeps the"
                + " damaged one aside", cause);
        this.file = file;
    }

    /** The damaged file. */
    public Path file() {
        return file;
    }
}
