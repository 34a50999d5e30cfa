package io.ciaf.storage.internal;

import io.ciaf.api.MetadataRecord;
import io.ciaf.api.StorageProblem;
import io.ciaf.api.spi.MetadataBackend;
import io.ciaf.api.spi.MetadataBackendProvider;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Internal. The {@code json} backend: JSON Lines, one file per model per UTC day
 * ({@code <model>/<yyyy-MM-dd>.jsonl}), append-only and readable with any text tool. A line cut off by a
 * crash is reported with its file and line number; the other lines still load, and the next append starts
 * on a fresh line rather than gluing onto the torn one.
 */
public final class JsonFilesBackend extends DayFileBackend {

    private static final byte[] NEWLINE = {'\n'};
    private static final byte[] NOTHING = {};

    JsonFilesBackend(Path root, Consumer<StorageProblem> problems) {
        super(root, "jsonl", problems);
    }

    @Override
    public String name() {
        return "json";
    }

    @Override
    byte[] encode(MetadataRecord record) {
        return (RecordJson.toJson(record) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    byte[] separatorAfter(FileChannel ch) throws IOException {
        long size = ch.size();
        if (size == 0) {
            return NOTHING;
        }
        ByteBuffer last = ByteBuffer.allocate(1);
        ch.read(last, size - 1);
        return last.get(0) == '\n' ? NOTHING : NEWLINE;
    }

    @Override
    void decode(Path file, byte[] content, RecordSink sink) {
        int start = 0;
        long line = 0;
        while (start < content.length) {
            int end = start;
            while (end < content.length && content[end] != '\n') {
                end++;
            }
            line++;
            boolean terminated = end < content.length;
            String text = utf8(content, start, end);
            if (!text.isBlank()) {
                try {
                    sink.record(RecordJson.parse(text));
                } catch (CorruptRecordException e) {
                    sink.problem(line, terminated ? e.getMessage()
                            : "incomplete last line, cut off mid-write (e.g. by a crash): " + e.getMessage());
                }
            }
            start = end + 1;
        }
    }

    /** Finds the {@code json} backend for {@code MetadataStorage.open(dir, "json")}. */
    public static final class Provider implements MetadataBackendProvider {
        @Override
        public String name() {
            return "json";
        }

        @Override
        public MetadataBackend open(Path directory, Consumer<StorageProblem> problems) {
            return new JsonFilesBackend(directory, problems);
        }
    }
}
