package io.ciaf.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.ciaf.storage.internal.RecordJson;

/**
 * The write-once audit ledger of a CIAF home: a hash chain of entries in SQLite ({@code ledger.db}), an
 * RFC 6962 Merkle tree over their entry hashes with stored subtree hashes, and Ed25519-signed C2SP
 * checkpoints in {@code checkpoints/<size>.note}. Formats follow FORMATS.md, so third parties can check
 * everything with standard tools.
 *
 * <p>Thread-safe: appends from many threads are serialized; reads and proofs use their own connection, and
 * verification and export each open a fresh one so they never block appends. Several processes may append
 * to the same home: each batch takes SQLite's write lock ({@code BEGIN IMMEDIATE}) and reads the chain tip
 * inside it, so all of them extend one chain.
 */
public final class AuditLedger implements AutoCloseable {

    public static final String LEDGER_FILE = "ledger.db";
    public static final String SIGNING_KEY_FILE = "signing.key";
    public static final String VERIFIER_KEY_FILE = "signing.vkey";
    public static final String CHECKPOINT_DIR = "checkpoints";

    static final String GENESIS = "GENESIS";
    static final String CHECKPOINT = "CHECKPOINT";
    /** Entry type that names erased payloads; see {@link #erase}. */
    public static final String ERASURE = "ERASURE";
    /** Entry type of legal holds placed and released. */
    public static final String HOLD = "HOLD";
    /** Most positions one ERASURE entry names; erase more in several calls. */
    public static final int MAX_ERASED_PER_ENTRY = 100_000;

    private final Path home;
    private final VerifierKey verifierKey;
    private final LedgerDatabase writer;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final LedgerDatabase reader;
    private final ReentrantLock readLock = new ReentrantLock();
    private final MessageDigest writerDigest = Merkle.newSha256();
    /** Tree edge after the last batch this object committed; reloaded when another process appended since. */
    private Frontier frontier;
    private volatile boolean closed;

    private AuditLedger(Path home, VerifierKey verifierKey, LedgerDatabase writer, LedgerDatabase reader) {
        this.home = home;
        this.verifierKey = verifierKey;
        this.writer = writer;
        this.reader = reader;
    }

    /**
     * Creates a new ledger in {@code home} (created if needed): a new Ed25519 key pair named {@code origin}
     * ({@code signing.key} with mode 0600, {@code signing.vkey}), {@code ledger.db} with its genesis entry,
     * and {@code checkpoints/}.
     *
     * @throws LedgerException if a ledger or key already exists there (nothing is overwritten), or the
     *     origin is not a valid key name
     */
    public static AuditLedger create(Path home, String origin) {
        Path db = home.resolve(LEDGER_FILE);
        Path key = home.resolve(SIGNING_KEY_FILE);
        Path vkey = home.resolve(VERIFIER_KEY_FILE);
        for (Path existing : List.of(db, key, vkey)) {
            if (Files.exists(existing)) {
                throw new LedgerException("refusing to overwrite " + existing + ": " + home
                        + " already holds a ledger or key. Use another --home, or open the existing one");
            }
        }
        SigningKey signingKey;
        try {
            signingKey = SigningKey.generate(origin);
        } catch (IllegalArgumentException e) {
            throw new LedgerException("invalid origin: " + e.getMessage());
        }
        try {
            Files.createDirectories(home);
            Files.createDirectories(home.resolve(CHECKPOINT_DIR));
            signingKey.writeNew(key);
            writeAtomically(vkey, signingKey.verifierKey() + "\n");
        } catch (IOException e) {
            throw new LedgerException("cannot create the ledger home " + home + ": " + e, e);
        }
        LedgerDatabase.create(db).close();
        AuditLedger ledger = open(home);
        Map<String, Object> genesis = new LinkedHashMap<>();
        genesis.put("ciaf_ledger_format", LedgerDatabase.FORMAT_VERSION);
        genesis.put("origin", origin);
        genesis.put("verifier_key", signingKey.verifierKey().toString());
        ledger.appendAll(List.of(NewEntry.of(GENESIS, genesis, null)));
        return ledger;
    }

    /**
     * Opens the ledger of {@code home}.
     *
     * @throws LedgerException if there is no ledger (the message suggests {@code ciaf init}), the file is not
     *     a CIAF ledger, the verifier key is missing, or a required PRAGMA is not in force
     */
    public static AuditLedger open(Path home) {
        Path db = home.resolve(LEDGER_FILE);
        if (!Files.isRegularFile(db)) {
            throw new LedgerException("no ledger at " + home + " (" + LEDGER_FILE + " not found); create one with:"
                    + " ciaf init --home " + home);
        }
        VerifierKey vkey = readVerifierKey(home);
        LedgerDatabase writer = LedgerDatabase.open(db);
        LedgerDatabase reader;
        try {
            reader = LedgerDatabase.open(db);
        } catch (RuntimeException e) {
            writer.close();
            throw e;
        }
        return new AuditLedger(home, vkey, writer, reader);
    }

    static VerifierKey readVerifierKey(Path home) {
        Path file = home.resolve(VERIFIER_KEY_FILE);
        try {
            return VerifierKey.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new LedgerException("cannot read the verifier key " + file + " (" + e.getClass().getSimpleName()
                    + "); checkpoints cannot be checked without it. Restore it from where you published it");
        } catch (IllegalArgumentException e) {
            throw new LedgerException("verifier key " + file + " is not valid: " + e.getMessage());
        }
    }

    /** The home directory. */
    public Path home() {
        return home;
    }

    /** The key auditors use to check this ledger's checkpoints. */
    public VerifierKey verifierKey() {
        return verifierKey;
    }

    /** The checkpoint origin (the key name). */
    public String origin() {
        return verifierKey.name();
    }

    /**
     * Appends one entry; see {@link NewEntry#of}.
     *
     * @throws LedgerException if the ledger cannot be written; nothing is committed then
     */
    public AppendReceipt append(String type, Map<String, ?> payload, String idempotencyKey) {
        return appendAll(List.of(NewEntry.of(type, payload, idempotencyKey))).get(0);
    }

    /**
     * Appends a batch in one transaction: all entries are committed durably (fsync) or none is. An entry
     * whose idempotency key is already committed, or appears earlier in the batch, adds nothing and gets the
     * original receipt.
     *
     * @return one receipt per entry, in order
     * @throws IllegalArgumentException if a key is reused with a different type or payload
     * @throws LedgerException if the ledger cannot be written; nothing of the batch is committed then
     */
    public List<AppendReceipt> appendAll(List<NewEntry> batch) {
        writeLock.lock();
        try {
            ensureWritable();
            try {
                return inWriteTransaction(f -> appendLocked(f, batch, false));
            } catch (KeyAlreadyCommitted e) {
                // Rare (a caller's retry): nothing was committed; append again, answering reused keys from the ledger.
                return inWriteTransaction(f -> appendLocked(f, batch, true));
            }
        } finally {
            writeLock.unlock();
        }
    }

    private interface WriteWork<T> {
        T run(Frontier f) throws SQLException;
    }

    /** Runs {@code work} inside BEGIN IMMEDIATE … COMMIT on a frontier matching the committed tip. */
    private <T> T inWriteTransaction(WriteWork<T> work) {
        try {
            writer.execute("BEGIN IMMEDIATE");
        } catch (SQLException e) {
            throw new LedgerException("cannot lock ledger " + writer.file + " for writing: " + e.getMessage(), e);
        }
        boolean committed = false;
        try {
            Frontier f = currentFrontier();
            T result = work.run(f);
            writer.flushInserts();
            writer.execute("COMMIT");
            committed = true;
            frontier = f;
            return result;
        } catch (SQLException e) {
            if (LedgerDatabase.isIdempotencyKeyConflict(e)) {
                throw new KeyAlreadyCommitted(writer.file, e);
            }
            throw new LedgerException("cannot append to ledger " + writer.file + ": " + e.getMessage()
                    + "; nothing of this batch was committed", e);
        } finally {
            if (!committed) {
                frontier = null;
                writer.discardInserts();
                writer.rollbackQuietly();
            }
        }
    }

    private Frontier currentFrontier() throws SQLException {
        LedgerDatabase.Tip tip = writer.tip();
        if (tip == null) {
            return Frontier.empty();
        }
        Frontier cached = frontier;
        if (cached != null && cached.size() == tip.size() && MessageDigest.isEqual(cached.tipHash(), tip.entryHash())) {
            return cached.copy();
        }
        // Another process appended, or this is the first write: rebuild the edge from stored subtrees.
        return Frontier.load(writer.nodes(), tip.size(), tip.entryHash(), tip.timestamp());
    }

    /**
     * Thrown out of {@link #inWriteTransaction} when the unique index refused an idempotency key that is already
     * committed; the transaction was rolled back. {@link #appendAll} answers it; should it ever reach a caller
     * (a key the lookup did not find), it is a ledger error that says what happened.
     */
    private static final class KeyAlreadyCommitted extends LedgerException {
        private static final long serialVersionUID = 1L;

        KeyAlreadyCommitted(Path file, SQLException e) {
            super("cannot append to ledger " + file + ": an idempotency key of the batch is already committed ("
                    + e.getMessage() + "); nothing of this batch was committed", e);
        }
    }

    /**
     * Adds the batch's entries to the open transaction. Keys repeated within the batch are always answered here.
     * Keys committed earlier are looked up only when {@code lookUpKeys}; otherwise the batch is inserted on the
     * assumption that its keys are new (as the capture pipeline's record ids are) and the unique index refuses
     * one that is not, which {@link #appendAll} answers by appending again with the lookup. The lookup was about 5%
     * of the capture pipeline's CPU, for keys that were never there.
     */
    private List<AppendReceipt> appendLocked(Frontier f, List<NewEntry> batch, boolean lookUpKeys)
            throws SQLException {
        List<AppendReceipt> receipts = new ArrayList<>(batch.size());
        Map<String, Integer> keysInBatch = null;
        Map<String, LedgerEntry> committedKeys = Map.of();
        if (lookUpKeys) {
            List<String> keys = new ArrayList<>();
            for (NewEntry e : batch) {
                if (e.idempotencyKey != null) {
                    keys.add(e.idempotencyKey);
                }
            }
            if (!keys.isEmpty()) {
                committedKeys = keys.size() == 1 ? singleKey(keys.get(0)) : writer.byIdempotencyKeys(keys);
            }
        }
        long now = nowNanos();
        for (NewEntry e : batch) {
            if (e.idempotencyKey != null) {
                if (keysInBatch == null) {
                    keysInBatch = new HashMap<>();
                }
                Integer earlier = keysInBatch.get(e.idempotencyKey);
                if (earlier != null) {
                    AppendReceipt first = receipts.get(earlier);
                    receipts.add(new AppendReceipt(first.position(), first.timestamp(), first.entryHash(), true));
                    continue;
                }
                LedgerEntry existing = committedKeys.get(e.idempotencyKey);
                if (existing != null) {
                    requireSameRequest(existing, e);
                    receipts.add(new AppendReceipt(existing.position(), existing.timestamp(), existing.entryHash(),
                            true));
                    continue;
                }
                keysInBatch.put(e.idempotencyKey, receipts.size());
            }
            long position = f.size();
            long timestamp = Math.max(now, f.tipTimestamp() + 1);
            byte[] prev = f.tipHash();
            byte[] entryHash = EntryHash.compute(writerDigest, prev, position, timestamp, e.type, e.payloadHash);
            byte[] subtrees = f.append(writerDigest, entryHash, timestamp);
            writer.addInsert(position, timestamp, e.type, e.payload, e.payloadHash, prev, entryHash, subtrees,
                    e.idempotencyKey);
            receipts.add(new AppendReceipt(position, timestamp, entryHash, false));
        }
        return receipts;
    }

    private Map<String, LedgerEntry> singleKey(String key) throws SQLException {
        LedgerEntry e = writer.byIdempotencyKey(key);
        return e == null ? Map.of() : Map.of(key, e);
    }

    private static void requireSameRequest(LedgerEntry existing, NewEntry e) {
        String stored = existing.payload().orElse(null);
        boolean same = existing.type().equals(e.type) && stored != null
                && withoutNonce(stored).equals(withoutNonce(e.payloadJson()));
        if (!same) {
            throw new IllegalArgumentException("idempotency key '" + e.idempotencyKey + "' was already used at"
                    + " position " + existing.position() + " for a different " + (existing.type().equals(e.type)
                            ? "payload" : "type (" + existing.type() + ")")
                    + "; use a new key for a new request");
        }
    }

    /**
     * Erases the payloads of {@code positions}: appends an ERASURE entry that names them, with
     * {@code details} (what, why, by whom), and removes the payloads in the same transaction. Each entry and its
     * payload hash stay, so the chain, the tree and every proof still verify; {@link #verify} accepts a missing
     * payload only where an ERASURE entry names it. Legal holds are the caller's to respect.
     *
     * @param details the rest of the ERASURE payload (JSON-compatible; must not contain {@code positions})
     * @return the receipt of the ERASURE entry
     * @throws IllegalArgumentException if no position is given, more than {@link #MAX_ERASED_PER_ENTRY}, a
     *     position is not in the ledger, is already erased, or holds an entry that is never erased (GENESIS,
     *     CHECKPOINT, ERASURE, HOLD); nothing is changed then
     */
    public AppendReceipt erase(java.util.Collection<Long> positions, Map<String, ?> details) {
        java.util.TreeSet<Long> sorted = new java.util.TreeSet<>(positions);
        if (sorted.isEmpty() || sorted.size() > MAX_ERASED_PER_ENTRY) {
            throw new IllegalArgumentException("erase takes 1 to " + MAX_ERASED_PER_ENTRY + " positions; got "
                    + sorted.size());
        }
        if (details.containsKey("positions")) {
            throw new IllegalArgumentException("details must not contain 'positions': the ledger writes it");
        }
        Map<String, Object> payload = new java.util.TreeMap<>(details);
        payload.put("positions", new ArrayList<>(sorted));
        NewEntry erasure = NewEntry.of(ERASURE, payload, null);
        writeLock.lock();
        try {
            ensureWritable();
            return inWriteTransaction(f -> {
                for (long p : sorted) {
                    LedgerEntry e = p >= 0 && p < f.size() ? writer.entry(p) : null;
                    if (e == null) {
                        throw new IllegalArgumentException("position " + p + " is not in the ledger (it has "
                                + f.size() + " entries)");
                    }
                    if (!erasable(p, e.type())) {
                        throw new IllegalArgumentException("position " + p + " is a " + e.type() + " entry, whose"
                                + " payload is never erased");
                    }
                    if (e.payloadBytes() == null) {
                        throw new IllegalArgumentException("the payload at position " + p + " is already erased");
                    }
                }
                AppendReceipt receipt = appendLocked(f, List.of(erasure), true).get(0);
                writer.flushInserts();
                writer.erase(new ArrayList<>(sorted), receipt.position());
                return receipt;
            });
        } finally {
            writeLock.unlock();
        }
    }

    /** Whether the payload of an entry may be erased: not the ones that hold the ledger and its history together. */
    public static boolean erasable(long position, String type) {
        return position > 0 && !GENESIS.equals(type) && !CHECKPOINT.equals(type) && !ERASURE.equals(type)
                && !HOLD.equals(type);
    }

    private static Object withoutNonce(String payload) {
        try {
            Map<?, ?> map = RecordJson.MAPPER.readValue(payload, Map.class);
            map.remove(NewEntry.NONCE);
            return map;
        } catch (JsonProcessingException ex) {
            return payload;
        }
    }

    private static long nowNanos() {
        Instant now = Instant.now();
        return Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000_000L), now.getNano());
    }

    private void ensureWritable() {
        if (closed) {
            throw new LedgerException("ledger " + writer.file + " is closed");
        }
        if (!writer.writeOnceIntact()) {
            throw new LedgerException("ledger " + writer.file + " has lost its write-once triggers: it was altered"
                    + " outside CIAF, so nothing more is appended. Run ciaf verify to find what changed");
        }
    }

    /** Number of committed entries (the current tree size). */
    public long size() {
        return read(() -> {
            LedgerDatabase.Tip tip = reader.tip();
            return tip == null ? 0L : tip.size();
        });
    }

    /** The Merkle root of the first {@code size} entries. */
    public byte[] rootAt(long size) {
        return read(() -> {
            requireSize(size, reader);
            return Merkle.root(reader.nodes(), size);
        });
    }

    /** The entry at {@code position}. */
    public Optional<LedgerEntry> entry(long position) {
        return read(() -> Optional.ofNullable(reader.entry(position)));
    }

    /**
     * The entries of {@code type} whose payload has {@code field} equal to {@code value}, in position order,
     * read on a fresh connection and snapshot. It scans the ledger (no index covers payload fields): for
     * reports and recovery, not for hot paths.
     *
     * @param field a top-level payload member name ({@code [a-z_]+})
     */
    public List<LedgerEntry> findAll(String type, String field, String value) {
        return find(type, field, value, false, "ASC", Integer.MAX_VALUE);
    }

    /**
     * {@link #findAll}, plus every entry of {@code type} whose payload was erased (which can no longer say
     * what its {@code field} was), in position order: for checks that must know where history has gaps.
     */
    public List<LedgerEntry> findAllWithErased(String type, String field, String value) {
        return find(type, field, value, true, "ASC", Integer.MAX_VALUE);
    }

    /** The last entry {@link #findAll} would return, if any, scanning from the end. */
    public Optional<LedgerEntry> findLast(String type, String field, String value) {
        List<LedgerEntry> found = find(type, field, value, false, "DESC", 1);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    private List<LedgerEntry> find(String type, String field, String value, boolean erasedToo, String order,
            int limit) {
        if (field == null || !field.matches("[a-z_]+")) {
            throw new IllegalArgumentException("payload field must be [a-z_]+; got '" + field + "'");
        }
        List<LedgerEntry> out = new ArrayList<>();
        query("e.type = ? AND (json_extract(p.payload, '$." + field + "') = ?" + (erasedToo ? " OR p.payload IS NULL"
                : "") + ")", "ORDER BY e.position " + order + " LIMIT " + limit, List.of(type, value), out::add);
        return out;
    }

    /** The entry committed with {@code idempotencyKey}, if any: where a request was committed. */
    public Optional<LedgerEntry> findByIdempotencyKey(String idempotencyKey) {
        return read(() -> Optional.ofNullable(reader.byIdempotencyKey(idempotencyKey)));
    }

    /**
     * An inclusion proof for the entry at {@code index} in the tree of {@code treeSize} entries.
     *
     * @throws IllegalArgumentException unless 0 ≤ index &lt; treeSize ≤ {@link #size()}
     */
    public InclusionProof proveInclusion(long index, long treeSize) {
        return read(() -> {
            requireSize(treeSize, reader);
            if (index < 0 || index >= treeSize) {
                throw new IllegalArgumentException("index " + index + " is outside the tree of size " + treeSize
                        + " (valid: 0 to " + (treeSize - 1) + ")");
            }
            Merkle.Nodes nodes = reader.nodes();
            return new InclusionProof(index, treeSize, Merkle.root(nodes, treeSize), nodes.node(0, index),
                    Merkle.inclusionPath(nodes, index, treeSize));
        });
    }

    /**
     * A consistency proof between the trees of {@code size1} and {@code size2} entries.
     *
     * @throws IllegalArgumentException unless 1 ≤ size1 ≤ size2 ≤ {@link #size()}
     */
    public ConsistencyProof proveConsistency(long size1, long size2) {
        return read(() -> {
            requireSize(size2, reader);
            if (size1 < 1 || size1 > size2) {
                throw new IllegalArgumentException("consistency needs 1 <= from <= to; got from " + size1 + ", to "
                        + size2);
            }
            Merkle.Nodes nodes = reader.nodes();
            List<byte[]> proof = size1 == size2 ? List.of() : Merkle.consistencyPath(nodes, size1, size2);
            return new ConsistencyProof(size1, size2, Merkle.root(nodes, size1), Merkle.root(nodes, size2), proof);
        });
    }

    private static void requireSize(long size, LedgerDatabase db) throws SQLException {
        LedgerDatabase.Tip tip = db.tip();
        long current = tip == null ? 0 : tip.size();
        if (size < 0 || size > current) {
            throw new IllegalArgumentException("tree size " + size + " is not available: the ledger has " + current
                    + " entries");
        }
    }

    private interface Read<T> {
        T run() throws SQLException;
    }

    private <T> T read(Read<T> work) {
        readLock.lock();
        try {
            if (closed) {
                throw new LedgerException("ledger " + reader.file + " is closed");
            }
            return work.run();
        } catch (SQLException e) {
            throw new LedgerException("cannot read ledger " + reader.file + ": " + e.getMessage(), e);
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Seals a checkpoint over the current tree: proves it consistent with the latest signed checkpoint,
     * signs it with {@code signing.key}, writes {@code checkpoints/<size>.note} and appends it as a
     * CHECKPOINT entry, all under the ledger's write lock.
     *
     * @throws LedgerTamperedException if the tree is not consistent with the last checkpoint (nothing is
     *     signed then: the ledger never signs two inconsistent checkpoints)
     * @throws LedgerException if the signing key is missing or does not match {@code signing.vkey}
     */
    public Checkpoint checkpoint() {
        SigningKey key = SigningKey.read(home.resolve(SIGNING_KEY_FILE));
        if (!key.verifierKey().equals(verifierKey)) {
            throw new LedgerException(home.resolve(SIGNING_KEY_FILE) + " is not the key of " + home.resolve(
                    VERIFIER_KEY_FILE) + "; refusing to sign with a key auditors do not know");
        }
        writeLock.lock();
        try {
            ensureWritable();
            return inWriteTransaction(f -> sealLocked(f, key));
        } finally {
            writeLock.unlock();
        }
    }

    private Checkpoint sealLocked(Frontier f, SigningKey key) throws SQLException {
        long size = f.size();
        byte[] root = f.root(writerDigest);
        Checkpoint last = latestCheckpoint(writer).orElse(null);
        if (last != null) {
            if (last.size() > size) {
                throw new LedgerTamperedException(size, "the ledger has " + size + " entries but checkpoint "
                        + last.size() + " was signed: entries from position " + size + " were removed;"
                        + " refusing to sign");
            }
            try {
                List<byte[]> proof = last.size() == size ? List.of()
                        : Merkle.consistencyPath(writer.nodes(), last.size(), size);
                ProofVerifier.verifyConsistency(last.size(), size, last.root(), root, proof);
            } catch (VerificationException e) {
                throw new LedgerTamperedException(-1, "the tree of " + size + " entries is not consistent with"
                        + " signed checkpoint " + last.size() + " (" + e.getMessage() + "); refusing to sign."
                        + " Run ciaf verify to find the altered entry");
            }
        }
        Checkpoint signed = Checkpoint.sign(key, size, root);
        Path note = home.resolve(CHECKPOINT_DIR).resolve(size + ".note");
        try {
            Files.createDirectories(note.getParent());
            writeAtomically(note, signed.signedNote());
        } catch (IOException e) {
            throw new LedgerException("cannot write checkpoint " + note + ": " + e, e);
        }
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("origin", signed.origin());
        payload.put("size", size);
        payload.put("root", signed.rootBase64());
        payload.put("checkpoint", signed.signedNote());
        List<AppendReceipt> receipts = appendLocked(f, List.of(NewEntry.of(CHECKPOINT, payload, null)), true);
        try (PreparedStatement s = writer.connection.prepareStatement(
                "INSERT INTO checkpoints (size, position) VALUES (?, ?)")) {
            s.setLong(1, size);
            s.setLong(2, receipts.get(0).position());
            s.executeUpdate();
        }
        return signed;
    }

    /** The most recent signed checkpoint (from {@code checkpoints/} or the ledger), verified with the key. */
    public Optional<Checkpoint> latestCheckpoint() {
        return read(() -> latestCheckpoint(reader));
    }

    private Optional<Checkpoint> latestCheckpoint(LedgerDatabase db) throws SQLException {
        TreeMap<Long, Path> files = checkpointFiles();
        long fromFiles = files.isEmpty() ? -1 : files.lastKey();
        long fromTable = -1;
        long entryPosition = -1;
        try (PreparedStatement s = db.connection.prepareStatement(
                "SELECT size, position FROM checkpoints ORDER BY size DESC LIMIT 1"); ResultSet rs = s.executeQuery()) {
            if (rs.next()) {
                fromTable = rs.getLong(1);
                entryPosition = rs.getLong(2);
            }
        }
        if (fromFiles < 0 && fromTable < 0) {
            return Optional.empty();
        }
        if (fromFiles >= fromTable) {
            return Optional.of(readCheckpointFile(files.lastEntry().getValue(), fromFiles));
        }
        LedgerEntry e = db.entry(entryPosition);
        if (e == null) {
            throw new LedgerTamperedException(entryPosition, "the CHECKPOINT entry for size " + fromTable
                    + " is missing");
        }
        return Optional.of(LedgerVerifier.checkpointOf(e, verifierKey));
    }

    TreeMap<Long, Path> checkpointFiles() {
        TreeMap<Long, Path> files = new TreeMap<>();
        Path dir = home.resolve(CHECKPOINT_DIR);
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (DirectoryStream<Path> notes = Files.newDirectoryStream(dir, "*.note")) {
            for (Path p : notes) {
                String name = p.getFileName().toString();
                String digits = name.substring(0, name.length() - ".note".length());
                if (digits.matches("0|[1-9][0-9]{0,18}")) {
                    files.put(Long.parseLong(digits), p);
                }
            }
        } catch (IOException e) {
            throw new LedgerException("cannot list checkpoints in " + dir + ": " + e, e);
        }
        return files;
    }

    Checkpoint readCheckpointFile(Path file, long size) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LedgerException("cannot read checkpoint " + file + ": " + e, e);
        }
        Checkpoint c;
        try {
            c = Checkpoint.verify(text, verifierKey);
        } catch (VerificationException e) {
            throw new LedgerTamperedException(-1, "checkpoint file " + home.relativize(file) + " does not verify with "
                    + VERIFIER_KEY_FILE + ": " + e.getMessage());
        }
        if (c.size() != size) {
            throw new LedgerTamperedException(-1, "checkpoint file " + home.relativize(file) + " is signed for size "
                    + c.size() + ", not " + size);
        }
        return c;
    }

    /**
     * Verifies every entry from genesis to the tip: positions contiguous, timestamps increasing, each
     * payload against its hash, the chain, the stored tree, and the tree against every signed checkpoint
     * (which catches a truncated tail or a replaced file). Runs on its own connection and snapshot.
     *
     * @param progress told the number of entries checked so far, now and then; may be null
     * @throws LedgerTamperedException with the first bad position and the reason
     */
    public VerificationReport verify(LongConsumer progress) {
        return recordVerification(new LedgerVerifier(this).verify(-1, progress));
    }

    /** {@link #verify(LongConsumer)} without progress. */
    public VerificationReport verify() {
        return verify(null);
    }

    /**
     * Verifies from the last checkpoint that an earlier verification found intact (the VerityDB "checkpoint"
     * level): the stored tree at that checkpoint is checked against its signature, then every later entry
     * is checked as in {@link #verify}. Falls back to a full verification when no checkpoint was verified
     * yet or the start does not match. Use the full one for audits.
     *
     * @throws LedgerTamperedException with the first bad position and the reason
     */
    public VerificationReport verifyFromLastVerifiedCheckpoint(LongConsumer progress) {
        long start = read(() -> {
            try (PreparedStatement s = reader.connection.prepareStatement(
                    "SELECT max(checkpoint_size) FROM verifications"); ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
        return recordVerification(new LedgerVerifier(this).verify(start > 0 ? start : -1, progress));
    }

    private VerificationReport recordVerification(VerificationReport report) {
        if (report.checkpoint().isEmpty()) {
            return report;
        }
        writeLock.lock();
        try (PreparedStatement s = writer.connection.prepareStatement(
                "INSERT INTO verifications (verified_at, size, checkpoint_size, mode) VALUES (?,?,?,?)")) {
            s.setLong(1, nowNanos());
            s.setLong(2, report.size());
            s.setLong(3, report.checkpoint().get().size());
            s.setString(4, report.full() ? "full" : "from-checkpoint");
            s.executeUpdate();
        } catch (SQLException e) {
            // A read-only copy (an auditor's) can be verified; it just cannot remember the result.
        } finally {
            writeLock.unlock();
        }
        return report;
    }

    /**
     * Writes entries {@code from} to {@code toInclusive} as JSON Lines (FORMATS.md), from a consistent
     * snapshot on a fresh connection.
     *
     * @return the number of entries written
     */
    public long export(Writer out, long from, long toInclusive, LongConsumer progress) {
        long[] written = {0};
        try {
            scan(from, toInclusive, e -> {
                try {
                    out.write(e.toJsonLine());
                    out.write('\n');
                } catch (IOException ex) {
                    throw new UncheckedIOException("cannot write the export: " + ex.getMessage(), ex);
                }
                if (++written[0] % 65_536 == 0 && progress != null) {
                    progress.accept(written[0]);
                }
            });
            if (progress != null) {
                progress.accept(written[0]);
            }
            out.flush();
            return written[0];
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the export: " + e.getMessage(), e);
        }
    }

    /**
     * Hands entries {@code from} to {@code toInclusive} to {@code each}, in order, from a consistent snapshot
     * on a fresh connection (appends go on meanwhile).
     */
    public void scan(long from, long toInclusive, java.util.function.Consumer<LedgerEntry> each) {
        if (from < 0 || toInclusive < from - 1) {
            throw new IllegalArgumentException("range " + from + ".." + toInclusive + " is empty or negative");
        }
        query("e.position BETWEEN ? AND ?", "ORDER BY e.position", List.of(from, toInclusive), each);
    }

    /**
     * Entries whose stored payload contains {@code text} as a JSON string (quoted, so "17" does not match
     * "170"), in position order: everything that mentions a data subject. A scan, for requests, not hot paths.
     */
    public List<LedgerEntry> mentioning(String text) {
        List<LedgerEntry> out = new ArrayList<>();
        query("instr(p.payload, CAST(? AS BLOB)) > 0", "ORDER BY e.position",
                List.of(io.ciaf.api.internal.CanonicalJson.quote(text)), out::add);
        return out;
    }

    /** Entries matching {@code where}, in {@code order}, from one snapshot on a fresh connection. */
    private void query(String where, String order, List<Object> args, java.util.function.Consumer<LedgerEntry> each) {
        try (LedgerDatabase db = LedgerDatabase.open(writer.file)) {
            db.execute("BEGIN");
            try (PreparedStatement s = db.connection.prepareStatement("SELECT " + LedgerDatabase.ENTRY_COLUMNS
                    + " FROM " + LedgerDatabase.ENTRIES + " WHERE " + where + " " + order)) {
                for (int i = 0; i < args.size(); i++) {
                    s.setObject(i + 1, args.get(i));
                }
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        each.accept(LedgerDatabase.entryAt(rs));
                    }
                }
            } finally {
                db.rollbackQuietly();
            }
        } catch (SQLException e) {
            throw new LedgerException("cannot read ledger " + writer.file + ": " + e.getMessage(), e);
        }
    }

    Path databaseFile() {
        return writer.file;
    }

    /** Writes {@code text} to a temporary file, syncs it, renames it into place and syncs the directory. */
    static void writeAtomically(Path target, String text) throws IOException {
        if (Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString());
        }
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException ignored) {
            // not every platform can sync a directory
        }
    }

    /** Closes both connections. Idempotent. */
    @Override
    public void close() {
        writeLock.lock();
        readLock.lock();
        try {
            if (!closed) {
                closed = true;
                writer.close();
                reader.close();
            }
        } finally {
            readLock.unlock();
            writeLock.unlock();
        }
    }

    @Override
    public String toString() {
        return "AuditLedger[" + home + ", origin " + origin() + "]";
    }
}
