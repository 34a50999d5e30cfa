package io.ciaf.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.ciaf.api.internal.TimeOrderedIds;
import io.ciaf.ledger.AuditLedger;
import io.ciaf.storage.internal.RecordJson;

/**
 * Capture sessions and their loss boundaries. A running session holds a lock on
 * {@code <home>/sessions/<id>.json}, which also notes its last committed position. At start, a session file
 * nobody holds belongs to a JVM that stopped without SESSION_END: a RECOVERY entry states that session, its
 * last committed position and that later records may be lost, and the file is removed.
 */
final class Sessions implements AutoCloseable {

    final UUID id = TimeOrderedIds.next();
    private final AuditLedger ledger;
    private final Path file;
    private FileChannel channel;
    private FileLock lock;
    private long startPosition = -1;
    private final long pid = ProcessHandle.current().pid();
    /** Sessions found abandoned at this start, each with its SESSION_START position (0 when not noted). */
    final Map<String, Long> recovered = new LinkedHashMap<>();
    /** Room for the progress note with every number at its longest (about 150 characters). */
    static final int PROGRESS_WIDTH = 192;

    Sessions(AuditLedger ledger) {
        this.ledger = ledger;
        this.file = ledger.home().resolve("sessions").resolve(id + ".json");
    }

    /** Records losses of earlier sessions, then starts this one (SESSION_START). */
    void start(Map<String, Object> about) throws IOException {
        Files.createDirectories(file.getParent());
        recoverAbandoned();
        channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        lock = channel.lock();
        Map<String, Object> payload = new LinkedHashMap<>(about);
        payload.put("session", id.toString());
        payload.put("pid", pid);
        startPosition = ledger.append("SESSION_START", payload, "session-start-" + id).position();
        progress(startPosition);
    }

    /** Notes the last committed position, so that a later RECOVERY can name it (no fsync: survives kill -9). */
    void progress(long lastPosition) {
        if (channel == null) {
            return;
        }
        String json = "{\"session\":\"" + id + "\",\"pid\":" + pid + ",\"start_position\":"
                + startPosition + ",\"last_committed_position\":" + lastPosition + "}";
        try {
            // Written over itself at a fixed width, padded with spaces (still JSON): the file never changes size,
            // so no truncate, which cost the pipeline thread 8% of its CPU at a commit every 25 ms.
            String note = String.format("%-" + PROGRESS_WIDTH + "s", json);
            channel.write(ByteBuffer.wrap(note.getBytes(StandardCharsets.UTF_8)), 0);
        } catch (IOException e) {
            Problems.report("session-file", "cannot update " + file, e);
        }
    }

    private void recoverAbandoned() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(file.getParent(), "*.json")) {
            for (Path other : files) {
                recoverIfAbandoned(other);
            }
        } catch (IOException e) {
            Problems.report("sessions-dir", "cannot list " + file.getParent(), e);
        }
    }

    private void recoverIfAbandoned(Path other) {
        try (FileChannel ch = FileChannel.open(other, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock held;
            try {
                held = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                return; // a session of this very JVM
            }
            if (held == null) {
                return; // its JVM is alive
            }
            String text = Files.readString(other, StandardCharsets.UTF_8);
            Map<?, ?> state = text.isBlank() ? Map.of() : RecordJson.MAPPER.readValue(text, Map.class);
            Object named = state.get("session");
            String lost = named != null ? named.toString() : other.getFileName().toString().replace(".json", "");
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("lost_session", lost);
            payload.put("session_start_position", state.get("start_position"));
            payload.put("last_committed_position", state.get("last_committed_position"));
            payload.put("pid", state.get("pid"));
            payload.put("recovered_by_session", id.toString());
            payload.put("statement", "session " + lost + " ended without SESSION_END (the process was killed or"
                    + " crashed). Its records up to position " + state.get("last_committed_position") + " are"
                    + " committed; records it captured after that and had not committed may be lost.");
            ledger.append("RECOVERY", payload, "recovery-" + lost);
            recovered.put(lost, state.get("start_position") instanceof Number n ? n.longValue() : 0L);
            Files.delete(other);
            held.release();
        } catch (IOException | RuntimeException e) {
            Problems.report("recover:" + other, "cannot recover the abandoned session " + other, e);
        }
    }

    /** SESSION_END with the counts; the session file is removed. */
    void end(Map<String, Object> counts) {
        Map<String, Object> payload = new LinkedHashMap<>(counts);
        payload.put("session", id.toString());
        ledger.append("SESSION_END", payload, "session-end-" + id);
        close();
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            Problems.report("session-file", "cannot remove " + file, e);
        }
    }

    @Override
    public void close() {
        try {
            if (lock != null) {
                lock.release();
            }
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // closing
        }
        channel = null;
    }
}
