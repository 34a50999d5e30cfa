package io.ciaf.cli;

import java.nio.file.Files;

import io.ciaf.runtime.CiafConfig;
import io.ciaf.storage.MetadataStorage;

/** The metadata backend of a home, when it has one: commands that erase must reach its copies too. */
final class Views {

    private Views() {
    }

    /** The configured metadata store, or null when none was ever created (opening would create one). */
    static MetadataStorage open(CiafConfig config) {
        return Files.isDirectory(config.storagePath()) ? MetadataStorage.open(config.storagePath(),
                config.storageBackend()) : null;
    }
}
