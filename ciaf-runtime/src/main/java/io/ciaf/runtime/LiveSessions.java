package io.ciaf.runtime;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Internal, not for public use: the capture sessions recording into a home right now, found by the locks their
 * JVMs hold on their session files (see {@link Sessions}). Commands that replace what such a JVM writes to
 * ({@code ciaf rebuild}, {@code ciaf restore}) refuse while there are any. A session file no JVM holds belongs
 * to one that was killed; it is left for the next start to recover.
 */
public final class LiveSessions {

    static final String DIRECTORY = "sessions";

    private LiveSessions() {
    }

    /**
     * Each session recording into {@code home} now, as "session &lt;id&gt; (pid &lt;pid&gt;)".
     *
     * @throws IOException if a session file cannot be opened or read
     */
    public static List<String> in(Path home) throws IOException {
        Path dir = home.resolve(DIRECTORY);
        List<String> live = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return live;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path f : files) {
                if (held(f)) {
                    live.add(describe(f));
                }
            }
        }
        return live;
    }

    private static boolean held(Path f) throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock = Sessions.lockUnlessHeld(ch);
            if (lock == null) {
                return true; // a JVM, maybe this one, records into the home
            }
            lock.release();
            return false;
        }
    }

    private static String describe(Path f) {
        Map<?, ?> note;
        try {
            note = Sessions.readNote(f);
        } catch (IOException | RuntimeException e) {
            note = Map.of();
        }
        return "session " + Sessions.sessionOf(f, note, ".json")
                + (note.get("pid") != null ? " (pid " + note.get("pid") + ")" : "");
    }
}
