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
import java.nio.file.StandardCopyOption;
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
 * last committed position and that later records may be lost.
 *
 * <p>The note also names the session's oldest record the metadata backend refused and has not saved since
 * ({@code first_unsaved}). A session that was killed, or that ended cleanly with records still unsaved, leaves
 * its note behind as {@code <id>.catch-up}: the next start puts the missing records back into the backend from
 * the ledger ({@link BackendCatchUp}) and removes the file only once that worked, so a backend that is still
 * failing is tried again at the start after.
 */
final class Sessions implements AutoCloseable {

    final UUID id = TimeOrderedIds.next();
    private final AuditLedger ledger;
    private final Path file;
    private FileChannel channel;
    private FileLock lock;
    private long startPosition = -1;
    private final long pid = ProcessHandle.current().pid();
    /** Earlier sessions whose records the backend may lack, found at this start; see {@link #caughtUp}. */
    final Map<CatchUp, Locked> catchUps = new LinkedHashMap<>();
    /** Room for the progress note with every number at its longest (about 210 characters). */
    static final int PROGRESS_WIDTH = 256;
    static final String CATCH_UP = ".catch-up";
    private long lastPosition = -1;
    private UUID firstUnsaved;

    /**
     * A session whose records the metadata backend may lack: one killed before its backend thread saved what it
     * had gathered, or one whose backend refused records ({@code firstUnsaved}, the oldest of them).
     */
    record CatchUp(String session, long startPosition, UUID firstUnsaved, boolean killed) {
    }

    /** A catch-up note, locked so that two JVMs starting together do not both work on it. */
    record Locked(Path file, FileChannel channel) {
    }

    Sessions(AuditLedger ledger) {
        this.ledger = ledger;
        this.file = ledger.home().resolve(LiveSessions.DIRECTORY).resolve(id + ".json");
    }

    /**
     * Records the losses of earlier sessions (RECOVERY) and finds those whose records the backend may lack
     * ({@link #catchUps}); called before {@link #start}, so that SESSION_START can say what was put back.
     */
    void findEarlier() throws IOException {
        Files.createDirectories(file.getParent());
        recoverAbandoned();
        findCatchUps();
    }

    /** Starts this session (SESSION_START, with {@code about}). */
    void start(Map<String, Object> about) throws IOException {
        Files.createDirectories(file.getParent());
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
    synchronized void progress(long lastPosition) {
        this.lastPosition = lastPosition;
        writeNote(false);
    }

    /**
     * Notes that the backend refused {@code oldest} and the records after it, unless an older refused record is
     * noted already, so that the next start puts them back should this JVM be killed or end with them unsaved.
     * Called by the backend thread when a save fails.
     */
    synchronized void refused(UUID oldest) {
        if (firstUnsaved == null) {
            firstUnsaved = oldest;
            writeNote(false);
        }
    }

    /** Notes that the backend holds every record it had refused. */
    synchronized void allSaved() {
        if (firstUnsaved != null) {
            firstUnsaved = null;
            writeNote(false);
        }
    }

    /** Writes the note: {@code ended} marks that of a session that ended cleanly with records unsaved. */
    private void writeNote(boolean ended) {
        if (channel == null) {
            return;
        }
        String json = "{\"session\":\"" + id + "\",\"pid\":" + pid + ",\"start_position\":"
                + startPosition + ",\"last_committed_position\":" + lastPosition
                + (firstUnsaved == null ? "" : ",\"first_unsaved\":\"" + firstUnsaved + "\"")
                + (ended ? ",\"ended\":true}" : "}");
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
            FileLock held = lockUnlessHeld(ch);
            if (held == null) {
                return; // its JVM is alive
            }
            Map<?, ?> state = readNote(other);
            String lost = sessionOf(other, state, ".json");
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
            // its note (and the lock on it) go on as the catch-up of its unsaved records
            Files.move(other, catchUpFile(other), StandardCopyOption.REPLACE_EXISTING);
            held.release();
        } catch (IOException | RuntimeException e) {
            Problems.report("recover:" + other, "cannot recover the abandoned session " + other, e);
        }
    }

    /** A lock on a session's file, or null while a JVM, this one included, holds one. */
    static FileLock lockUnlessHeld(FileChannel ch) throws IOException {
        try {
            return ch.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // this very JVM holds it
        }
    }

    private static Path catchUpFile(Path note) {
        return note.resolveSibling(sessionOf(note, Map.of(), ".json") + CATCH_UP);
    }

    /** A session note's fields; none when it is blank (a JVM killed before it first wrote it). */
    static Map<?, ?> readNote(Path note) throws IOException {
        String text = Files.readString(note, StandardCharsets.UTF_8);
        return text.isBlank() ? Map.of() : RecordJson.MAPPER.readValue(text, Map.class);
    }

    /** The session a note names, else the one its file name ({@code <id><suffix>}) does. */
    static String sessionOf(Path note, Map<?, ?> fields, String suffix) {
        Object named = fields.get("session");
        String name = note.getFileName().toString();
        return named != null ? named.toString() : name.substring(0, name.length() - suffix.length());
    }

    /** The catch-up notes no other JVM is working on, each locked until {@link #caughtUp}. */
    private void findCatchUps() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(file.getParent(), "*" + CATCH_UP)) {
            for (Path f : files) {
                FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE);
                try {
                    if (lockUnlessHeld(ch) == null) {
                        ch.close(); // another JVM catches it up now
                        continue;
                    }
                    Map<?, ?> state = readNote(f);
                    catchUps.put(new CatchUp(sessionOf(f, state, CATCH_UP),
                            state.get("start_position") instanceof Number n ? n.longValue() : 0L,
                            state.get("first_unsaved") instanceof String u ? UUID.fromString(u) : null,
                            !Boolean.TRUE.equals(state.get("ended"))), new Locked(f, ch));
                } catch (IOException | RuntimeException e) {
                    ch.close();
                    Problems.report("catch-up:" + f, "cannot read " + f + ", the note of a session whose records"
                            + " the metadata backend may lack; ciaf rebuild rebuilds the backend from the ledger",
                            e);
                }
            }
        } catch (IOException e) {
            Problems.report("sessions-dir", "cannot list " + file.getParent(), e);
        }
    }

    /** Ends a catch-up: its note is removed when it is {@code done}, else kept for the next start. */
    void caughtUp(CatchUp c, boolean done) {
        Locked held = catchUps.remove(c);
        if (held == null) {
            return;
        }
        try (FileChannel ch = held.channel()) {
            if (done) {
                Files.deleteIfExists(held.file());
            }
        } catch (IOException e) {
            Problems.report("catch-up:" + held.file(), "cannot remove " + held.file(), e);
        }
    }

    /**
     * SESSION_END with the counts. The session file is removed, or kept as a catch-up note when the backend
     * still lacks records of this session.
     */
    synchronized void end(Map<String, Object> counts) {
        Map<String, Object> payload = new LinkedHashMap<>(counts);
        payload.put("session", id.toString());
        ledger.append("SESSION_END", payload, "session-end-" + id);
        try {
            if (firstUnsaved != null && channel != null) {
                writeNote(true);
                Files.move(file, catchUpFile(file), StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            Problems.report("session-file", "cannot remove " + file, e);
        }
        close();
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
        for (CatchUp c : java.util.List.copyOf(catchUps.keySet())) {
            caughtUp(c, false); // not done: their notes stay for the next start
        }
    }
}
