package io.ciaf.storage.internal;

import io.ciaf.api.MetadataQuery;
import io.ciaf.api.MetadataRecord;
import io.ciaf.api.PipelineTrace;
import io.ciaf.api.StorageProblem;
import io.ciaf.api.internal.TimeOrderedIds;
import io.ciaf.api.spi.MetadataBackend;
import io.ciaf.storage.MetadataStorageException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Internal. A backend that appends records to one file per model per UTC day,
 * {@code <model>/<yyyy-MM-dd>.<ext>}, and answers queries by reading the files. Subclasses choose how a
 * record is encoded in a file and how a file is read back.
 *
 * <p>Appends hold an exclusive OS file lock (so several JVMs can share a directory) and end with an fsync;
 * a new file or model directory also has its parent directory synced, so the name survives a power loss.
 * Readers take the same lock so that they never mistake a write in progress for a torn line.
 */
abstract class DayFileBackend implements MetadataBackend {

    // FileLock is per JVM process: two threads of one JVM must not both hold one on the same file.
    private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private final Path root;
    private final String extension;
    private final Consumer<StorageProblem> problems;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    DayFileBackend(Path root, String extension, Consumer<StorageProblem> problems) {
        this.root = root;
        this.extension = extension;
        this.problems = problems;
    }

    /** The bytes of one record in a file. */
    abstract byte[] encode(MetadataRecord record);

    /** What must be written before new records so that they start cleanly after the file's current end. */
    abstract byte[] separatorAfter(FileChannel channel) throws IOException;

    /** Reads every record in {@code content}; reports what it cannot read to {@code sink}. */
    abstract void decode(Path file, byte[] content, RecordSink sink);

    @Override
    public void saveAll(List<MetadataRecord> records) {
        ensureOpen();
        Map<Path, ByteArrayOutputStream> byFile = new LinkedHashMap<>();
        for (MetadataRecord r : records) {
            Path file = fileFor(r.model(), LocalDate.ofInstant(r.timestamp(), ZoneOffset.UTC));
            byFile.computeIfAbsent(file, f -> new ByteArrayOutputStream()).writeBytes(encode(r));
        }
        for (Map.Entry<Path, ByteArrayOutputStream> e : byFile.entrySet()) {
            append(e.getKey(), e.getValue().toByteArray());
        }
    }

    @SuppressWarnings("try") // the lock is held for the try block's extent, never read
    private void append(Path file, byte[] bytes) {
        Path dir = file.getParent();
        boolean newDir = !Files.isDirectory(dir);
        try {
            if (newDir) {
                Files.createDirectories(dir);
                syncDirectory(root);
            }
        } catch (IOException e) {
            throw new MetadataStorageException("cannot create directory " + dir + ": " + e, e);
        }
        ReentrantLock lock = JVM_LOCKS.computeIfAbsent(file.toAbsolutePath(), p -> new ReentrantLock());
        lock.lock();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            long end = ch.size();
            ByteBuffer buf = ByteBuffer.wrap(concat(separatorAfter(ch), bytes));
            while (buf.hasRemaining()) {
                end += ch.write(buf, end);
            }
            ch.force(false);
            if (end == bytes.length) { // the file was new: make its name durable too
                syncDirectory(dir);
            }
        } catch (IOException e) {
            throw new MetadataStorageException("cannot append to " + file + ": " + e
                    + "; nothing already in the file was changed", e);
        } finally {
            lock.unlock();
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        if (a.length == 0) {
            return b;
        }
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // some file systems cannot open or sync a directory; the file's own fsync still holds
        }
    }

    @Override
    public Optional<MetadataRecord> get(UUID id) {
        ensureOpen();
        Set<Path> tried = new HashSet<>();
        Optional<Instant> made = TimeOrderedIds.timeOf(id);
        if (made.isPresent()) {
            // the record's day is almost always the day its id was made
            LocalDate day = LocalDate.ofInstant(made.get(), ZoneOffset.UTC);
            List<Path> likely = files(null, day.minusDays(1), day.plusDays(1));
            Optional<MetadataRecord> hit = find(likely, id);
            if (hit.isPresent()) {
                return hit;
            }
            tried.addAll(likely);
        }
        List<Path> rest = files(null, null, null);
        rest.removeAll(tried);
        return find(rest, id);
    }

    private Optional<MetadataRecord> find(List<Path> files, UUID id) {
        for (Path f : files) {
            MetadataRecord[] hit = new MetadataRecord[1];
            read(f, r -> {
                if (hit[0] == null && r.id().equals(id)) {
                    hit[0] = r;
                }
            });
            if (hit[0] != null) {
                return Optional.of(hit[0]);
            }
        }
        return Optional.empty();
    }

    @Override
    public List<MetadataRecord> query(MetadataQuery q) {
        ensureOpen();
        LocalDate from = q.since().map(t -> LocalDate.ofInstant(t, ZoneOffset.UTC)).orElse(null);
        LocalDate to = q.until().map(t -> LocalDate.ofInstant(t, ZoneOffset.UTC)).orElse(null);
        TreeMap<LocalDate, List<Path>> byDay = new TreeMap<>();
        for (Path f : files(q.model().orElse(null), from, to)) {
            byDay.computeIfAbsent(day(f), d -> new ArrayList<>()).add(f);
        }
        List<MetadataRecord> hits = new ArrayList<>();
        Set<UUID> seen = new HashSet<>();
        // Newest day first: once a day's files bring the total to the limit, older days only hold older records.
        for (List<Path> dayFiles : byDay.descendingMap().values()) {
            for (Path f : dayFiles) {
                read(f, r -> {
                    if (seen.add(r.id()) && q.matches(r)) {
                        hits.add(r);
                    }
                });
            }
            if (hits.size() >= q.limit()) {
                break;
            }
        }
        hits.sort(PipelineTrace.NEWEST_FIRST);
        return hits.size() > q.limit() ? new ArrayList<>(hits.subList(0, q.limit())) : hits;
    }

    @Override
    public Set<UUID> existing(Collection<UUID> ids) {
        ensureOpen();
        Set<UUID> wanted = new HashSet<>(ids);
        Set<UUID> found = new HashSet<>();
        for (Path f : files(null, null, null)) {
            read(f, r -> {
                if (wanted.contains(r.id())) {
                    found.add(r.id());
                }
            });
        }
        return found;
    }

    @Override
    public SortedSet<String> models() {
        ensureOpen();
        SortedSet<String> models = new TreeSet<>();
        for (Path f : files(null, null, null)) {
            models.add(ModelDirectories.decode(f.getParent().getFileName().toString()));
        }
        return models;
    }

    @Override
    public long count() {
        ensureOpen();
        Set<UUID> seen = new HashSet<>();
        for (Path f : files(null, null, null)) {
            read(f, r -> seen.add(r.id()));
        }
        return seen.size();
    }

    @Override
    public long bytesOnDisk() {
        ensureOpen();
        long total = 0;
        for (Path f : files(null, null, null)) {
            try {
                total += Files.size(f);
            } catch (IOException ignored) {
                // deleted meanwhile
            }
        }
        return total;
    }

    @Override
    public void close() {
        closed = true;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the " + name() + " backend at " + root + " is closed");
        }
    }

    Path fileFor(String model, LocalDate day) {
        return root.resolve(ModelDirectories.encode(model)).resolve(day + "." + extension);
    }

    private LocalDate day(Path file) {
        String name = file.getFileName().toString();
        return LocalDate.parse(name.substring(0, name.length() - extension.length() - 1));
    }

    /** Day files of one model (or all), within [from, to] days when given, newest day first. */
    private List<Path> files(String model, LocalDate from, LocalDate to) {
        List<Path> out = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        if (model != null) {
            dirs.add(root.resolve(ModelDirectories.encode(model)));
        } else {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, Files::isDirectory)) {
                ds.forEach(dirs::add);
            } catch (IOException e) {
                throw new MetadataStorageException("cannot list " + root + ": " + e, e);
            }
        }
        String suffix = "." + extension;
        for (Path dir : dirs) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + suffix)) {
                for (Path f : ds) {
                    LocalDate d;
                    try {
                        d = day(f);
                    } catch (DateTimeParseException e) {
                        continue; // not one of ours
                    }
                    if ((from == null || !d.isBefore(from)) && (to == null || !d.isAfter(to))) {
                        out.add(f);
                    }
                }
            } catch (NoSuchFileException e) {
                // model without records
            } catch (IOException e) {
                throw new MetadataStorageException("cannot list " + dir + ": " + e, e);
            }
        }
        out.sort((a, b) -> {
            int c = b.getFileName().toString().compareTo(a.getFileName().toString());
            return c != 0 ? c : a.compareTo(b);
        });
        return out;
    }

    /** Reads one file under its lock, handing every readable record to {@code each}. */
    @SuppressWarnings("try") // the lock is held for the try block's extent, never read
    void read(Path file, Consumer<MetadataRecord> each) {
        byte[] content;
        ReentrantLock lock = JVM_LOCKS.computeIfAbsent(file.toAbsolutePath(), p -> new ReentrantLock());
        lock.lock();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
             FileLock ignored = ch.lock(0, Long.MAX_VALUE, true)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE - 16) {
                throw new MetadataStorageException(file + " is " + size + " bytes, more than one day file may"
                        + " hold; use the sqlite backend for this volume");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) size);
            while (buf.hasRemaining() && ch.read(buf, buf.position()) >= 0) {
                // read to the end
            }
            content = buf.array();
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw new MetadataStorageException("cannot read " + file + ": " + e, e);
        } finally {
            lock.unlock();
        }
        decode(file, content, new RecordSink() {
            @Override
            public void record(MetadataRecord record) {
                each.accept(record);
            }

            @Override
            public void problem(long line, String problem) {
                report(new StorageProblem(file, line, problem));
            }
        });
    }

    private void report(StorageProblem p) {
        if (reported.add(p.toString())) {
            problems.accept(p);
        }
    }

    static String utf8(byte[] bytes, int from, int to) {
        return new String(bytes, from, to - from, StandardCharsets.UTF_8);
    }
}
