package io.ciaf.api.spi;

import io.ciaf.api.MetadataQuery;
import io.ciaf.api.MetadataRecord;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.UUID;

/**
 * Where metadata records are kept: one instance per storage directory, made by a
 * {@link MetadataBackendProvider}. Implementations must be thread-safe. Every method may throw an unchecked
 * exception naming the file or path at fault; none may damage records already stored.
 *
 * <p>The compatibility kit in {@code ciaf-storage}'s test jar ({@code MetadataBackendCompatibilityKit})
 * checks an implementation against the behaviour every backend shares.
 */
public interface MetadataBackend extends AutoCloseable {

    /** The backend's name, as given to {@code MetadataStorage.open}, e.g. {@code sqlite}. */
    String name();

    /**
     * Stores {@code records} durably: when this returns they survive a crash or power loss. Records whose id
     * is already stored are left as they are.
     */
    void saveAll(List<MetadataRecord> records);

    /** The record with this id, if stored. */
    Optional<MetadataRecord> get(UUID id);

    /** The records matching {@code query}, newest first (ties broken by descending id), at most its limit. */
    List<MetadataRecord> query(MetadataQuery query);

    /** Which of {@code ids} are stored. The default asks {@link #get} for each. */
    default Set<UUID> existing(Collection<UUID> ids) {
        Set<UUID> found = new HashSet<>();
        for (UUID id : ids) {
            if (get(id).isPresent()) {
                found.add(id);
            }
        }
        return found;
    }

    /**
     * Removes the records with these ids for good (erasure: retention or a data-subject request), durably and
     * leaving no readable copy in the backend's files. Ids not stored are ignored.
     *
     * @return how many records were removed
     * @throws UnsupportedOperationException if this backend cannot erase (the default); say so in its docs
     */
    default long deleteAll(Collection<UUID> ids) {
        throw new UnsupportedOperationException("the " + name() + " metadata backend cannot erase records");
    }

    /** The names of the models that have records, sorted. */
    SortedSet<String> models();

    /** How many records are stored. */
    long count();

    /** Bytes the backend's files take on disk. */
    long bytesOnDisk();

    /** Releases files and connections. Further calls fail. */
    @Override
    void close();
}
