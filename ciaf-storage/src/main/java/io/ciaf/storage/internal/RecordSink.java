package io.ciaf.storage.internal;

import io.ciaf.api.MetadataRecord;

/** Internal. Receives the records read from a file, and a problem for each entry that could not be read. */
public interface RecordSink {

    /** A record read intact. */
    void record(MetadataRecord record);

    /**
     * An entry that could not be read.
     *
     * @param position its 1-based line, frame or entry number
     * @param problem what is wrong
     */
    void problem(long position, String problem);
}
