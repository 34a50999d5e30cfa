package io.ciaf.storage.internal;

import io.ciaf.api.MetadataRecord;
import io.ciaf.api.StorageProblem;
import io.ciaf.api.spi.MetadataBackend;
import io.ciaf.api.spi.MetadataBackendProvider;
import io.ciaf.storage.UnsafeDeserializationException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * Internal. The {@code javaser} backend: Java serialization, one file per model per UTC day
 * ({@code <model>/<yyyy-MM-dd>.ser}). Each record is one frame: a 4-byte magic, the length and CRC32C of
 * the payload, then a self-contained serialization stream of one {@link SerializedRecord}. The magic and
 * CRC let a reader skip a frame torn by a crash and find the next one.
 *
 * <p>Every frame is read through {@link RecordInputFilter}. A frame holding any other class is refused with
 * an {@link UnsafeDeserializationException} naming the class, the file and the frame; the class is never
 * instantiated.
 */
public final class JavaSerializationBackend extends DayFileBackend {

    static final int MAGIC = 0xC1AF5E01;
    static final int HEADER = 12;
    static final int MAX_FRAME = 64 << 20;
    private static final byte[] NOTHING = {};

    JavaSerializationBackend(Path root, Consumer<StorageProblem> problems) {
        super(root, "ser", problems);
    }

    @Override
    public String name() {
        return "javaser";
    }

    @Override
    byte[] encode(MetadataRecord record) {
        ByteArrayOutputStream payload = new ByteArrayOutputStream(512);
        try (ObjectOutputStream out = new ObjectOutputStream(payload)) {
            out.writeObject(SerializedRecord.of(record));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return frame(payload.toByteArray());
    }

    /** A frame around a serialization stream (also used by tests to plant hostile frames). */
    static byte[] frame(byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(payload);
        ByteBuffer frame = ByteBuffer.allocate(HEADER + payload.length);
        frame.putInt(MAGIC).putInt(payload.length).putInt((int) crc.getValue()).put(payload);
        return frame.array();
    }

    @Override
    byte[] separatorAfter(FileChannel ch) {
        return NOTHING; // frames resynchronize on the magic; a torn tail needs no separator
    }

    @Override
    void decode(Path file, byte[] content, RecordSink sink) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        int pos = 0;
        long frameNo = 0;
        while (pos < content.length) {
            frameNo++;
            if (content.length - pos < HEADER) {
                sink.problem(frameNo, "incomplete frame header at byte " + pos
                        + ", cut off mid-write (e.g. by a crash)");
                return;
            }
            int magic = buf.getInt(pos);
            int length = buf.getInt(pos + 4);
            int crc = buf.getInt(pos + 8);
            if (magic != MAGIC) {
                int next = nextMagic(content, pos + 1);
                sink.problem(frameNo, "bytes " + pos + ".." + (next - 1) + " are not a record frame; skipped");
                pos = next;
                continue;
            }
            if (length < 0 || length > MAX_FRAME || pos + HEADER + (long) length > content.length) {
                int next = nextMagic(content, pos + 1);
                sink.problem(frameNo, "frame at byte " + pos + " is incomplete (declares " + length
                        + " bytes), cut off mid-write (e.g. by a crash)");
                pos = next;
                continue;
            }
            CRC32C check = new CRC32C();
            check.update(content, pos + HEADER, length);
            if ((int) check.getValue() != crc) {
                int next = nextMagic(content, pos + 1);
                // a frame cut off by a crash and followed by later appends has a frame starting inside it
                sink.problem(frameNo, next < pos + HEADER + length
                        ? "frame at byte " + pos + " is incomplete: the frame at byte " + next + " starts inside it"
                                + " (cut off mid-write, e.g. by a crash)"
                        : "frame at byte " + pos + " fails its CRC32C check; the bytes were altered");
                pos = next;
                continue;
            }
            MetadataRecord record;
            try {
                record = deserialize(content, pos + HEADER, length, file, frameNo);
            } catch (CorruptRecordException e) {
                sink.problem(frameNo, e.getMessage());
                pos += HEADER + length;
                continue;
            }
            sink.record(record);
            pos += HEADER + length;
        }
    }

    private static MetadataRecord deserialize(byte[] content, int offset, int length, Path file, long frameNo) {
        RecordInputFilter filter = new RecordInputFilter(length + 1L);
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(content, offset, length))) {
            in.setObjectInputFilter(filter);
            Object o = in.readObject();
            if (!(o instanceof SerializedRecord)) {
                throw new CorruptRecordException("frame holds a " + (o == null ? "null" : o.getClass().getName())
                        + ", not a record");
            }
            return ((SerializedRecord) o).toRecord();
        } catch (InvalidClassException e) {
            if (filter.refused() != null) {
                throw new UnsafeDeserializationException(filter.refused(), "refused to deserialize "
                        + filter.refused() + " in " + file + " (frame " + frameNo + ", byte " + (offset - HEADER)
                        + "): it is not on the allowlist of record classes, so the file may have been tampered"
                        + " with. No instance was created. Move the file aside and restore it from a backup;"
                        + " MetadataStorage.check() lists every problem");
            }
            throw new CorruptRecordException("frame cannot be deserialized: " + e.getMessage());
        } catch (IOException | ClassNotFoundException | ClassCastException e) {
            throw new CorruptRecordException("frame cannot be deserialized: " + e);
        }
    }

    private static int nextMagic(byte[] content, int from) {
        for (int i = from; i + 4 <= content.length; i++) {
            if (content[i] == (byte) 0xC1 && content[i + 1] == (byte) 0xAF && content[i + 2] == 0x5E
                    && content[i + 3] == 0x01) {
                return i;
            }
        }
        return content.length;
    }

    /** Finds the {@code javaser} backend for {@code MetadataStorage.open(dir, "javaser")}. */
    public static final class Provider implements MetadataBackendProvider {
        @Override
        public String name() {
            return "javaser";
        }

        @Override
        public MetadataBackend open(Path directory, Consumer<StorageProblem> problems) {
            return new JavaSerializationBackend(directory, problems);
        }
    }
}
