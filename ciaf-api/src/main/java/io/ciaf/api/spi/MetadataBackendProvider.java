package io.ciaf.api.spi;

import io.ciaf.api.StorageProblem;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Makes {@link MetadataBackend}s of one kind. Listed in
 * {@code META-INF/services/io.ciaf.api.spi.MetadataBackendProvider} so that
 * {@code MetadataStorage.open(dir, name())} finds it.
 */
public interface MetadataBackendProvider {

    /** The name users give to select this backend, e.g. {@code sqlite}; lower case. */
    String name();

    /**
     * Opens (creating if needed) the backend kept in {@code directory}.
     *
     * @param directory an existing, writable directory that belongs to this backend
     * @param problems receives each problem found in stored data that does not stop the rest from loading
     */
    MetadataBackend open(Path directory, Consumer<StorageProblem> problems);
}
