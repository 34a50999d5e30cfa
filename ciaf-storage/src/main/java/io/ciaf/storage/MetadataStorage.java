package io.ciaf.storage;

import io.ciaf.api.InvalidMetadataException;
import io.ciaf.api.MetadataQuery;
import io.ciaf.api.MetadataRecord;
import io.ciaf.api.PipelineTrace;
import io.ciaf.api.Stage;
import io.ciaf.api.StorageProblem;
import io.ciaf.api.internal.CanonicalJson;
import io.ciaf.api.spi.MetadataBackend;
import io.ciaf.api.spi.MetadataBackendProvider;
import io.ciaf.api.spi.MetadataValidator;
import io.ciaf.storage.internal.CorruptRecordException;
import io.ciaf.storage.internal.CsvExport;
import io.ciaf.storage.internal.JsonExport;
import io.ciaf.storage.internal.RecordSink;
import io.ciaf.storage.internal.Suggestions;
import io.ciaf.storage.internal.XmlExport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Saves and finds pipeline metadata in the backend the user chose: {@code json} (JSON Lines, one file per
 * model per day), {@code sqlite} (one SQLite database) or {@code javaser} (Java serialization read through an
 * allowlist). Further backends plug in through {@link MetadataBackendProvider}.
 *
 * <pre>{@code
 * try (MetadataStorage storage = MetadataStorage.open(Path.of("my_project_metadata"), "sqlite")) {
 *     UUID id = storage.save(MetadataRecord.builder("my_classifier", Stage.TRAINING, "model_trained")
 *             .version("2.1.0").put("accuracy", 0.95).build());
 *     List<MetadataRecord> latest = storage.query("my_classifier", Stage.TRAINING, 10);
 * }
 * }</pre>
 *
 * <p>Every save is durable when it returns. A record that fails its stage validators is still stored with its
 * errors attached, unless the storage is {@linkplain StorageOptions#strict() strict}. Thread-safe; several
 * JVMs may share one directory.
 */
public final class MetadataStorage implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("io.ciaf.storage");
    private static final String MARKER = ".ciaf-backend";
    private static final DateTimeFormatter FILE_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final Path directory;
    private final StorageOptions options;
    private final MetadataBackend backend;
    private final Map<Stage, List<MetadataValidator>> validators = new EnumMap<>(Stage.class);
    private final List<StorageProblem> problems = new CopyOnWriteArrayList<>();
    private final LongAdder writeCalls = new LongAdder();
    private final LongAdder recordsWritten = new LongAdder();
    private final LongAdder writeNanos = new LongAdder();

    private MetadataStorage(Path directory, StorageOptions options, MetadataBackendProvider provider) {
        this.directory = directory;
        this.options = options;
        for (Stage s : Stage.values()) {
            validators.put(s, new CopyOnWriteArrayList<>());
        }
        this.backend = provider.open(directory, this::report);
    }

    /** Opens (creating if needed) a storage in {@code directory} with the default options. See {@link #open(Path, String, StorageOptions)}. */
    public static MetadataStorage open(Path directory, String backend) {
        return open(directory, backend, StorageOptions.defaults());
    }

    /**
     * Opens (creating the directory if needed) a storage in {@code directory}.
     *
     * @param backend {@code json}, {@code sqlite}, {@code javaser} or the name of a plugged-in backend
     * @throws IllegalArgumentException for an unknown backend name (the message lists the known ones)
     * @throws MetadataStorageException naming the path when the directory cannot be created or written, or
     *     when it already holds a different backend's store
     * @throws MetadataStoreDamagedException when the store's database is damaged or not a database
     */
    public static MetadataStorage open(Path directory, String backend, StorageOptions options) {
        MetadataBackendProvider provider = provider(backend);
        Path dir = prepareDirectory(directory, provider.name());
        return new MetadataStorage(dir, options, provider);
    }

    /**
     * Moves a store's directory aside, whole and untouched, to {@code <directory>.<why>-<time>} beside it, so
     * that a new store can be opened in its place (to rebuild it from the ledger, or when it is damaged).
     *
     * @return where it is now
     */
    public static Path moveAside(Path directory, String why) throws IOException {
        Path aside = directory.resolveSibling(directory.getFileName() + "." + why + "-"
                + Instant.now().toString().replace(':', '-'));
        Files.move(directory, aside);
        return aside;
    }

    /** The names of the backends that can be opened, sorted. */
    public static SortedSet<String> availableBackends() {
        return Collections.unmodifiableSortedSet(new java.util.TreeSet<>(providers().keySet()));
    }

    private static Map<String, MetadataBackendProvider> providers() {
        Map<String, MetadataBackendProvider> byName = new TreeMap<>();
        for (MetadataBackendProvider p : ServiceLoader.load(MetadataBackendProvider.class,
                MetadataStorage.class.getClassLoader())) {
            byName.putIfAbsent(p.name(), p);
        }
        return byName;
    }

    private static MetadataBackendProvider provider(String name) {
        Map<String, MetadataBackendProvider> all = providers();
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        MetadataBackendProvider p = all.get(key);
        if (p == null) {
            String guess = Suggestions.closest(key, all.keySet());
            throw new IllegalArgumentException("unknown storage backend '" + name + "'"
                    + (guess != null ? " (did you mean '" + guess + "'?)" : "") + "; available: "
                    + String.join(", ", all.keySet()));
        }
        return p;
    }

    private static Path prepareDirectory(Path directory, String backend) {
        if (directory == null) {
            throw new MetadataStorageException("no storage directory given; pass a directory path");
        }
        if (Files.exists(directory) && !Files.isDirectory(directory)) {
            throw new MetadataStorageException("storage path " + directory + " is a file, not a directory;"
                    + " pass a directory (it is created if missing)");
        }
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new MetadataStorageException("cannot create storage directory " + directory + ": " + e
                    + "; check that its parent exists, is a directory and is writable", e);
        }
        Path marker = directory.resolve(MARKER);
        try {
            if (Files.exists(marker)) {
                String existing = Files.readString(marker, StandardCharsets.UTF_8).trim();
                if (!existing.equals(backend)) {
                    throw new MetadataStorageException("storage directory " + directory + " holds a '" + existing
                            + "' store, not '" + backend + "'; open it with backend '" + existing + "', or move"
                            + " its records with export(...) and importFrom(...)");
                }
            } else {
                Path probe = Files.createTempFile(directory, ".ciaf-probe", ".tmp");
                Files.delete(probe);
                Files.writeString(marker, backend + "\n", StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new MetadataStorageException("storage directory " + directory + " is not writable: " + e
                    + "; check its permissions or choose another directory", e);
        }
        return directory;
    }

    /**
     * Registers a validator for the records of {@code stage}. Validators run at every save, in the order
     * registered.
     */
    public void registerValidator(Stage stage, MetadataValidator validator) {
        validators.get(stage).add(java.util.Objects.requireNonNull(validator, "validator"));
    }

    /**
     * Stores one record durably.
     *
     * @return the record's id
     * @throws InvalidMetadataException if the record is over the size limit (naming the largest key path)
     * @throws MetadataValidationException if the storage is strict and the record fails validation
     * @throws MetadataStorageException if the backend cannot write; nothing stored before is damaged
     */
    public UUID save(MetadataRecord record) {
        return saveAll(List.of(record)).get(0);
    }

    /**
     * Stores records durably, as one write where the backend allows it. Size limits and (in strict mode)
     * validation are checked for all of them first: if any is refused, none is stored.
     *
     * @return the ids, in order
     */
    public List<UUID> saveAll(List<MetadataRecord> records) {
        List<MetadataRecord> checked = validateAll(records);
        timedSave(checked);
        return checked.stream().map(MetadataRecord::id).collect(Collectors.toList());
    }

    /**
     * Checks records as {@link #saveAll} does (size limit, stage validators, strict mode) without storing
     * them, and returns them with any validation errors attached: for a caller that commits them elsewhere
     * first (the capture pipeline appends them to the audit ledger) and then calls {@link #saveValidated}.
     */
    public List<MetadataRecord> validateAll(List<MetadataRecord> records) {
        List<MetadataRecord> checked = new ArrayList<>(records.size());
        List<String> strictErrors = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            MetadataRecord r = java.util.Objects.requireNonNull(records.get(i), "records[" + i + "]");
            checkSize(r, records.size() == 1 ? "" : "records[" + i + "] ");
            List<String> errors = validate(r);
            if (!errors.isEmpty()) {
                if (options.strict()) {
                    for (String e : errors) {
                        strictErrors.add("record " + r.id() + " (" + r.model() + "/" + r.stage().wireName() + "/"
                                + r.eventType() + "): " + e);
                    }
                }
                List<String> all = new ArrayList<>(r.validationErrors());
                all.addAll(errors);
                r = r.withValidationErrors(all);
            }
            checked.add(r);
        }
        if (!strictErrors.isEmpty()) {
            throw new MetadataValidationException(strictErrors);
        }
        return checked;
    }

    /** Stores records returned by {@link #validateAll} durably, without validating them again. */
    public void saveValidated(List<MetadataRecord> records) {
        timedSave(records);
    }

    /**
     * {@link #saveValidated} for records whose earlier save failed and may have gone in part-way (a file backend
     * appends to one file per model and day, and an error at the second leaves the first written): saves those
     * the store does not hold yet, looked up in one pass, and returns them.
     */
    public List<MetadataRecord> saveValidatedMissing(List<MetadataRecord> records) {
        Set<UUID> present = backend.existing(records.stream().map(MetadataRecord::id).collect(Collectors.toList()));
        List<MetadataRecord> missing = new ArrayList<>(records.size() - present.size());
        for (MetadataRecord r : records) {
            if (!present.contains(r.id())) {
                missing.add(r);
            }
        }
        if (!missing.isEmpty()) {
            timedSave(missing);
        }
        return missing;
    }

    private void timedSave(List<MetadataRecord> records) {
        long start = System.nanoTime();
        backend.saveAll(records);
        writeNanos.add(System.nanoTime() - start);
        writeCalls.increment();
        recordsWritten.add(records.size());
    }

    private void checkSize(MetadataRecord r, String which) {
        long size = utf8Length(r.metadataJson()) + r.details().map(MetadataStorage::utf8Length).orElse(0L);
        if (size <= options.maxRecordBytes()) {
            return;
        }
        String largest = "details";
        long largestSize = r.details().map(MetadataStorage::utf8Length).orElse(0L);
        for (Map.Entry<String, Object> e : r.metadata().entrySet()) {
            long s = utf8Length(CanonicalJson.write(e.getValue()));
            if (s > largestSize) {
                largestSize = s;
                largest = io.ciaf.api.internal.JsonValues.child("metadata", e.getKey());
            }
        }
        throw new InvalidMetadataException(largest, which + "record is " + size + " bytes, over the limit of "
                + options.maxRecordBytes() + " (StorageOptions.maxRecordBytes); its largest value, " + largest
                + ", is " + largestSize + " bytes. Store a summary or a hash of large values instead");
    }

    private static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    private List<String> validate(MetadataRecord r) {
        List<String> errors = new ArrayList<>();
        for (MetadataValidator v : validators.get(r.stage())) {
            try {
                List<String> found = v.validate(r);
                if (found != null) {
                    errors.addAll(found);
                }
            } catch (RuntimeException | LinkageError e) {
                String msg = "validator " + v.getClass().getName() + " failed: " + e;
                LOG.log(System.Logger.Level.WARNING, msg, e);
                errors.add(msg);
            }
        }
        return errors;
    }

    /**
     * Erases the records with these ids from the backend for good (after their ledger payloads were erased:
     * retention, a data-subject request). Ids not stored are ignored.
     *
     * @return how many were removed
     * @throws UnsupportedOperationException if the backend cannot erase (json and javaser today: their day
     *     files are shared with other writers, and rewriting one safely is still to come)
     */
    public long erase(java.util.Collection<UUID> ids) {
        return backend.deleteAll(ids);
    }

    /** The record with this id, if stored. */
    public Optional<MetadataRecord> get(UUID id) {
        return backend.get(java.util.Objects.requireNonNull(id, "id"));
    }

    /**
     * The record with this id, if stored.
     *
     * @throws IllegalArgumentException if {@code id} is not a UUID
     */
    public Optional<MetadataRecord> get(String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("'" + id + "' is not a record id (a UUID such as "
                    + "0192f7a0-5c3e-7d41-9a2b-3c4d5e6f7a8b)");
        }
        return get(uuid);
    }

    /** The newest {@code limit} records of {@code model} at {@code stage} ({@code null} for every stage), newest first. */
    public List<MetadataRecord> query(String model, Stage stage, int limit) {
        return query(MetadataQuery.of(model, stage, limit));
    }

    /** The records matching {@code query}, newest first. */
    public List<MetadataRecord> query(MetadataQuery query) {
        return backend.query(query);
    }

    /** The names of the models that have records, sorted. */
    public SortedSet<String> models() {
        return backend.models();
    }

    /** Every record of {@code model}, grouped by stage in pipeline order, oldest first within a stage. */
    public PipelineTrace pipelineTrace(String model) {
        return PipelineTrace.of(model, query(MetadataQuery.builder().model(model).build()));
    }

    /**
     * Writes the records of {@code model} ({@code null} for all models), oldest first, in {@code format}. The
     * file appears complete or not at all.
     *
     * @param target a file, or a directory in which a file named after the model and time is made
     * @return the file written
     */
    public Path export(String model, ExportFormat format, Path target) {
        List<MetadataRecord> records = new ArrayList<>(query(MetadataQuery.builder().model(model).build()));
        records.sort(PipelineTrace.CHRONOLOGICAL);
        Path file = Files.isDirectory(target) ? target.resolve("ciaf-metadata-" + (model == null ? "all" : model)
                .replaceAll("[^A-Za-z0-9_.-]", "_") + "-" + FILE_TIME.format(Instant.now()) + "." + format.extension())
                : target;
        writeAtomically(file, out -> {
            switch (format) {
                case JSON: JsonExport.write(records, out); break;
                case CSV: CsvExport.write(records, out); break;
                default: XmlExport.write(records, out); break;
            }
        });
        return file;
    }

    private interface WriterAction {
        void write(Writer out) throws IOException;
    }

    private static void writeAtomically(Path file, WriterAction action) {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
            try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                action.write(out);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new MetadataStorageException("cannot write " + file + ": " + e, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }

    /**
     * Imports the records of a JSON, JSON Lines, CSV or XML file written by {@link #export} (or of every such
     * file under a directory, e.g. a {@code json} store), keeping their ids, timestamps and hashes. Records
     * already stored are skipped; records that cannot be read, fail their hash check or clash with a stored
     * record of the same id are reported in the result, not imported.
     *
     * @throws MetadataStorageException if the file cannot be read or is not in a known format; nothing is
     *     imported from such a file
     */
    public ImportResult importFrom(Path source) {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(source)) {
            try (Stream<Path> walk = Files.walk(source)) {
                walk.filter(Files::isRegularFile)
                        .filter(p -> p.getFileName().toString().matches(".*\\.(jsonl|json|csv|xml)$"))
                        .sorted().forEach(files::add);
            } catch (IOException e) {
                throw new MetadataStorageException("cannot list " + source + ": " + e, e);
            }
        } else {
            files.add(source);
        }
        Map<UUID, MetadataRecord> incoming = new LinkedHashMap<>();
        List<StorageProblem> found = new ArrayList<>();
        for (Path f : files) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(f);
            } catch (IOException e) {
                throw new MetadataStorageException("cannot read " + f + ": " + e, e);
            }
            readExport(f, bytes, incoming, found);
        }
        return store(incoming, found);
    }

    private static void readExport(Path file, byte[] bytes, Map<UUID, MetadataRecord> into, List<StorageProblem> found) {
        RecordSink sink = new RecordSink() {
            @Override
            public void record(MetadataRecord record) {
                into.putIfAbsent(record.id(), record);
            }

            @Override
            public void problem(long position, String problem) {
                found.add(new StorageProblem(file, position, problem));
            }
        };
        try (Reader in = new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8)) {
            switch (detect(file, bytes)) {
                case CSV: CsvExport.read(in, sink); break;
                case XML: XmlExport.read(in, sink); break;
                default: JsonExport.read(in, sink); break;
            }
        } catch (CorruptRecordException e) {
            throw new MetadataStorageException("cannot import " + file + ": " + e.getMessage()
                    + "; nothing was imported from it", e);
        } catch (IOException e) {
            throw new MetadataStorageException("cannot read " + file + ": " + e, e);
        }
    }

    private static ExportFormat detect(Path file, byte[] bytes) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            return ExportFormat.CSV;
        }
        if (name.endsWith(".xml")) {
            return ExportFormat.XML;
        }
        if (name.endsWith(".json") || name.endsWith(".jsonl")) {
            return ExportFormat.JSON;
        }
        for (byte b : bytes) {
            if (b == '<') {
                return ExportFormat.XML;
            }
            if (b == '[' || b == '{') {
                return ExportFormat.JSON;
            }
            if (!Character.isWhitespace(b) && b != (byte) 0xEF && b != (byte) 0xBB && b != (byte) 0xBF) {
                return ExportFormat.CSV;
            }
        }
        return ExportFormat.JSON;
    }

    private ImportResult store(Map<UUID, MetadataRecord> incoming, List<StorageProblem> found) {
        Set<UUID> present = backend.existing(incoming.keySet());
        long already = 0;
        List<MetadataRecord> fresh = new ArrayList<>();
        for (MetadataRecord r : incoming.values()) {
            if (present.contains(r.id())) {
                Optional<MetadataRecord> stored = backend.get(r.id());
                if (stored.isPresent() && !stored.get().metadataHash().equals(r.metadataHash())) {
                    found.add(new StorageProblem(directory, 0, "record " + r.id() + " is already stored with"
                            + " different metadata (stored hash " + stored.get().metadataHash() + ", imported "
                            + r.metadataHash() + "); the stored record was kept"));
                } else {
                    already++;
                }
                continue;
            }
            try {
                checkSize(r, "");
                fresh.add(r);
            } catch (InvalidMetadataException e) {
                found.add(new StorageProblem(directory, 0, "record " + r.id() + ": " + e.getMessage()));
            }
        }
        for (int i = 0; i < fresh.size(); i += 1000) {
            timedSave(fresh.subList(i, Math.min(fresh.size(), i + 1000)));
        }
        return new ImportResult(fresh.size(), already, found);
    }

    /**
     * Writes a backup: a JSON export of every record, and beside it {@code <file>.sha256} in
     * {@code sha256sum} format, so {@code sha256sum -c} checks it too.
     *
     * @param target a file, or a directory in which {@code ciaf-metadata-backup-<time>.json} is made
     * @return the backup file
     */
    public Path backup(Path target) {
        Path file = Files.isDirectory(target)
                ? target.resolve("ciaf-metadata-backup-" + FILE_TIME.format(Instant.now()) + ".json") : target;
        export(null, ExportFormat.JSON, file);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new MetadataStorageException("cannot read back backup " + file + ": " + e, e);
        }
        String line = CanonicalJson.hex(CanonicalJson.sha256(bytes)) + "  " + file.getFileName() + "\n";
        writeAtomically(checksumFile(file), out -> out.write(line));
        return file;
    }

    /**
     * Restores a backup made by {@link #backup}: checks it against its {@code .sha256} file first and imports
     * it only if they match. Records already stored are skipped.
     *
     * @throws BackupIntegrityException if the checksum file is missing or does not match; nothing is restored
     */
    public ImportResult restore(Path backupFile) {
        Path sumFile = checksumFile(backupFile);
        if (!Files.isRegularFile(sumFile)) {
            throw new BackupIntegrityException("no checksum file " + sumFile + " beside backup " + backupFile
                    + "; a backup that cannot be checked is not restored");
        }
        byte[] bytes;
        String expected;
        try {
            bytes = Files.readAllBytes(backupFile);
            String sum = Files.readString(sumFile, StandardCharsets.UTF_8).trim();
            expected = sum.split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
        } catch (IOException e) {
            throw new MetadataStorageException("cannot read backup " + backupFile + ": " + e, e);
        }
        String actual = CanonicalJson.hex(CanonicalJson.sha256(bytes));
        if (!CanonicalJson.sameDigest(expected, actual)) {
            throw new BackupIntegrityException("backup " + backupFile + " does not match its checksum: "
                    + sumFile + " says " + expected + ", the file hashes to " + actual
                    + "; it was altered or truncated, so nothing was restored");
        }
        Map<UUID, MetadataRecord> incoming = new LinkedHashMap<>();
        List<StorageProblem> found = new ArrayList<>();
        readExport(backupFile, bytes, incoming, found);
        return store(incoming, found);
    }

    private static Path checksumFile(Path file) {
        return file.resolveSibling(file.getFileName() + ".sha256");
    }

    /** Record count, write latency since open, and bytes on disk. */
    public PerformanceMetrics performanceMetrics() {
        long calls = writeCalls.sum();
        return new PerformanceMetrics(backend.name(), backend.count(), calls, recordsWritten.sum(),
                calls == 0 ? Duration.ZERO : Duration.ofNanos(writeNanos.sum() / calls), backend.bytesOnDisk());
    }

    /**
     * Problems found so far in stored data that did not stop the rest from loading (torn lines, altered
     * records), each with its file and line. Each is also logged once as a warning.
     */
    public List<StorageProblem> problems() {
        return List.copyOf(problems);
    }

    /** Reads every stored record and returns {@link #problems()}, including any found by this full read. */
    public List<StorageProblem> check() {
        try {
            backend.query(MetadataQuery.all());
        } catch (UnsafeDeserializationException e) {
            report(new StorageProblem(directory, 0, e.getMessage()));
        }
        return problems();
    }

    private void report(StorageProblem p) {
        problems.add(p);
        LOG.log(System.Logger.Level.WARNING, "CIAF storage problem: " + p);
    }

    /** The storage directory. */
    public Path directory() {
        return directory;
    }

    /** The backend's name. */
    public String backend() {
        return backend.name();
    }

    /** Closes the backend. */
    @Override
    public void close() {
        backend.close();
    }

    @Override
    public String toString() {
        return "MetadataStorage{" + backend.name() + " at " + directory + "}";
    }
}
