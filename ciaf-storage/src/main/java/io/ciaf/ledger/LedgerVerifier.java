package io.ciaf.ledger;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.ciaf.storage.internal.RecordJson;

/**
 * Recomputes a ledger from its stored bytes and reports the first position that is wrong. Works on its own
 * connection inside one read transaction, so it sees one consistent snapshot while appends go on.
 */
final class LedgerVerifier {

    private static final int PROGRESS_EVERY = 65_536;
    private static final int CHUNK = 2048;

    private final AuditLedger ledger;
    private final VerifierKey key;
    private final MessageDigest md = Merkle.newSha256();
    /** Signed checkpoints by size: the files, then each CHECKPOINT entry met on the way. */
    private final TreeMap<Long, Checkpoint> signed = new TreeMap<>();
    private final Map<Long, String> sources = new TreeMap<>();

    private Frontier tree;
    private byte[] prevHash;
    private byte[] prevPrevHash;
    private long lastTimestamp = Long.MIN_VALUE;
    private Checkpoint lastMatched;
    /** Erased positions, each with the position of the ERASURE entry that must name it. */
    private java.util.NavigableMap<Long, Long> erased = new TreeMap<>();
    /** The positions each ERASURE entry erased, by that entry's position. */
    private final Map<Long, List<Long>> erasedBy = new java.util.HashMap<>();

    LedgerVerifier(AuditLedger ledger) {
        this.ledger = ledger;
        this.key = ledger.verifierKey();
    }

    /** Verifies from genesis, or from the trusted checkpoint of size {@code start} when it is positive. */
    VerificationReport verify(long start, LongConsumer progress) {
        try (LedgerDatabase db = LedgerDatabase.open(ledger.databaseFile())) {
            db.execute("BEGIN");
            try {
                for (Map.Entry<Long, Path> file : ledger.checkpointFiles().entrySet()) {
                    signed.put(file.getKey(), ledger.readCheckpointFile(file.getValue(), file.getKey()));
                    sources.put(file.getKey(), AuditLedger.CHECKPOINT_DIR + "/" + file.getKey() + ".note");
                }
                erased = db.erased();
                erased.forEach((position, erasure) -> erasedBy.computeIfAbsent(erasure, k -> new ArrayList<>())
                        .add(position));
                long first = start > 0 && startAtCheckpoint(db, start) ? start : startAtGenesis();
                return scan(db, first, progress);
            } finally {
                db.rollbackQuietly();
            }
        } catch (SQLException e) {
            throw new LedgerException("cannot read ledger " + ledger.databaseFile() + ": " + e.getMessage(), e);
        }
    }

    private long startAtGenesis() {
        tree = Frontier.empty();
        prevHash = new byte[Merkle.HASH_LENGTH];
        prevPrevHash = null;
        lastTimestamp = Long.MIN_VALUE;
        lastMatched = null;
        return 0;
    }

    /**
     * Sets up the chain state at a checkpoint an earlier verification found intact, trusting the stored tree
     * only as far as it reproduces the signed root. Returns false (verify from genesis) otherwise.
     */
    private boolean startAtCheckpoint(LedgerDatabase db, long size) throws SQLException {
        try {
            Checkpoint cp = signed.get(size);
            if (cp == null) {
                try (PreparedStatement s = db.connection.prepareStatement(
                        "SELECT position FROM checkpoints WHERE size=?")) {
                    s.setLong(1, size);
                    try (ResultSet rs = s.executeQuery()) {
                        LedgerEntry e = rs.next() ? db.entry(rs.getLong(1)) : null;
                        if (e == null) {
                            return false;
                        }
                        cp = checkpointOf(e, key);
                    }
                }
            }
            LedgerEntry last = db.entry(size - 1);
            if (last == null || cp.size() != size) {
                return false;
            }
            Merkle.Nodes nodes = db.nodes();
            Frontier f = Frontier.load(nodes, size, last.entryHash(), last.timestamp());
            if (!MessageDigest.isEqual(f.root(md), cp.root())) {
                return false;
            }
            ProofVerifier.verifyInclusion(size - 1, size, Merkle.leafHash(last.entryHash()),
                    Merkle.inclusionPath(nodes, size - 1, size), cp.root());
            LedgerEntry beforeLast = size >= 2 ? db.entry(size - 2) : null;
            tree = f;
            prevHash = last.entryHash();
            prevPrevHash = beforeLast == null ? null : beforeLast.entryHash();
            lastTimestamp = last.timestamp();
            lastMatched = cp;
            return true;
        } catch (VerificationException e) {
            return false;
        }
    }

    private record Row(long position, long timestamp, String type, byte[] payload, byte[] payloadHash, byte[] prev,
            byte[] entryHash, byte[] subtrees) {
    }

    private static final List<Row> END = List.of();

    private VerificationReport scan(LedgerDatabase db, long first, LongConsumer progress) throws SQLException {
        // Reading rows through JDBC costs about as much as hashing them, so one thread reads while this one
        // checks: on two cores a full verification takes little more than the read alone.
        BlockingQueue<List<Row>> queue = new ArrayBlockingQueue<>(8);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> readFailure = new AtomicReference<>();
        Thread reader = new Thread(() -> readRows(db, first, queue, stop, readFailure), "ciaf-verify-reader");
        reader.setDaemon(true);
        reader.start();
        long p = first;
        try {
            while (true) {
                List<Row> rows = queue.take();
                if (rows == END) {
                    break;
                }
                for (Row r : rows) {
                    if (r.position() != p) {
                        throw tampered(p, "entry " + p + " is missing: the next stored entry is at position "
                                + r.position() + " (position gap)");
                    }
                    checkEntry(p, r.timestamp(), r.type(), r.payload(), r.payloadHash(), r.prev(), r.entryHash(),
                            r.subtrees());
                    p++;
                    if (progress != null && (p - first) % PROGRESS_EVERY == 0) {
                        progress.accept(p - first);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LedgerException("verification of " + ledger.databaseFile() + " was interrupted");
        } finally {
            stop.set(true);
            queue.clear();
            try {
                reader.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Throwable failure = readFailure.get();
        if (failure instanceof SQLException) {
            throw (SQLException) failure;
        } else if (failure != null) {
            throw new LedgerException("cannot read ledger " + ledger.databaseFile() + ": " + failure, failure);
        }
        if (p == 0) {
            throw tampered(0, "the ledger has no genesis entry: it is empty");
        }
        matchCheckpointAt(p, null);
        for (Map.Entry<Long, List<Long>> e : erasedBy.entrySet()) {
            if (e.getKey() >= p) {
                throw tampered(e.getValue().get(0), "the payload was erased by an ERASURE entry at position "
                        + e.getKey() + ", but the ledger has only " + p + " entries");
            }
        }
        Map.Entry<Long, Checkpoint> beyond = signed.higherEntry(p);
        if (beyond != null) {
            throw tampered(p, "the ledger ends after " + p + " entries but " + sources.get(beyond.getKey())
                    + " was signed over " + beyond.getKey() + ": entries from position " + p + " on were removed");
        }
        if (progress != null) {
            progress.accept(p - first);
        }
        return new VerificationReport(p, tree.root(md), lastMatched, first);
    }

    private static void readRows(LedgerDatabase db, long first, BlockingQueue<List<Row>> queue, AtomicBoolean stop,
            AtomicReference<Throwable> failure) {
        try (PreparedStatement s = db.connection.prepareStatement("SELECT " + LedgerDatabase.ENTRY_COLUMNS
                + ", e.subtree_hashes FROM " + LedgerDatabase.ENTRIES + " WHERE e.position >= ? ORDER BY e.position")) {
            s.setLong(1, first);
            try (ResultSet rs = s.executeQuery()) {
                List<Row> rows = new ArrayList<>(CHUNK);
                while (!stop.get() && rs.next()) {
                    rows.add(new Row(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getBytes(4), rs.getBytes(5),
                            rs.getBytes(6), rs.getBytes(7), rs.getBytes(8)));
                    if (rows.size() == CHUNK) {
                        if (!offer(queue, rows, stop)) {
                            return;
                        }
                        rows = new ArrayList<>(CHUNK);
                    }
                }
                if (!rows.isEmpty() && !offer(queue, rows, stop)) {
                    return;
                }
            }
        } catch (Throwable t) {
            failure.set(t);
        }
        offer(queue, END, stop);
    }

    private static boolean offer(BlockingQueue<List<Row>> queue, List<Row> rows, AtomicBoolean stop) {
        try {
            while (!stop.get()) {
                if (queue.offer(rows, 50, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    private void checkEntry(long p, long timestamp, String type, byte[] payload, byte[] payloadHash, byte[] prev,
            byte[] entryHash, byte[] subtrees) {
        if (type == null || !NewEntry.TYPE.matcher(type).matches()) {
            throw tampered(p, "entry type '" + type + "' is not 1 to 32 characters A-Z or _");
        }
        if (payloadHash == null || payloadHash.length != Merkle.HASH_LENGTH) {
            throw tampered(p, "payload_hash is not a 32-byte SHA-256");
        }
        if (payload != null && !MessageDigest.isEqual(md.digest(payload), payloadHash)) {
            throw tampered(p, "payload does not match its payload_hash");
        }
        if (payload == null) {
            checkErased(p, type);
        }
        if (prev == null || !MessageDigest.isEqual(prev, prevHash)) {
            if (prev != null && prevPrevHash != null && MessageDigest.isEqual(prev, prevPrevHash)) {
                throw tampered(p - 1, "entry " + (p - 1) + " was inserted: entry " + p + " chains to entry "
                        + (p - 2));
            }
            throw tampered(p, p == 0 ? "chain break: the first entry's prev_hash is not 32 zero bytes"
                    : "chain break: prev_hash is not the entry_hash of entry " + (p - 1)
                            + " (an entry before it was removed, replaced or reordered)");
        }
        if (timestamp <= lastTimestamp) {
            throw tampered(p, "timestamp " + timestamp + " is not after the previous entry's " + lastTimestamp
                    + " (timestamps must increase)");
        }
        byte[] expected = EntryHash.compute(md, prevHash, p, timestamp, type, payloadHash);
        if (entryHash == null || !MessageDigest.isEqual(expected, entryHash)) {
            throw tampered(p, "entry_hash does not match the entry's position, timestamp, type and payload_hash");
        }
        if (p == 0) {
            checkGenesis(type, payload);
        }
        Checkpoint sealedHere = AuditLedger.CHECKPOINT.equals(type) ? checkpointEntry(p, payload) : null;
        List<Long> erasedHere = erasedBy.get(p);
        if (erasedHere != null || AuditLedger.ERASURE.equals(type)) {
            checkErasure(p, type, payload, erasedHere == null ? List.of() : erasedHere);
        }
        matchCheckpointAt(p, sealedHere);
        byte[] completed = tree.append(md, entryHash, timestamp);
        if (!sameBytes(completed, subtrees)) {
            throw tampered(p, "the stored Merkle subtree hashes do not match the entries (proofs served from them"
                    + " would be wrong)");
        }
        prevPrevHash = prevHash;
        prevHash = entryHash;
        lastTimestamp = timestamp;
    }

    /** A payload may be missing only where a later ERASURE entry names it, and never for the entries that hold the ledger together. */
    private void checkErased(long p, String type) {
        Long erasure = erased.get(p);
        if (erasure == null) {
            throw tampered(p, "the payload is missing and no ERASURE entry names this position (it was deleted"
                    + " outside CIAF)");
        }
        if (!AuditLedger.erasable(p, type)) {
            throw tampered(p, "the payload of a " + type + " entry is missing; " + type + " payloads are never"
                    + " erased");
        }
        if (erasure <= p) {
            throw tampered(p, "the payload is marked erased by position " + erasure + ", which is not after it");
        }
    }

    /** Every payload marked erased by the entry at {@code p} must be listed in it, and it must be an ERASURE. */
    private void checkErasure(long p, String type, byte[] payload, List<Long> marked) {
        if (!AuditLedger.ERASURE.equals(type)) {
            throw tampered(marked.get(0), "the payload is marked erased by position " + p + ", which is a " + type
                    + " entry, not an ERASURE");
        }
        Map<?, ?> fields = parse(payload);
        Object listed = fields == null ? null : fields.get("positions");
        java.util.Set<Long> named = new java.util.HashSet<>();
        if (listed instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Number n) {
                    named.add(n.longValue());
                }
            }
        }
        for (long q : marked) {
            if (!named.contains(q)) {
                throw tampered(q, "the payload is marked erased by the ERASURE entry at position " + p
                        + ", which does not name this position");
            }
        }
    }

    /** Compares the tree of {@code size} entries (the current state) with the checkpoints signed for it. */
    private void matchCheckpointAt(long size, Checkpoint fromEntry) {
        Checkpoint cp = signed.get(size);
        if (cp == null && fromEntry == null) {
            return;
        }
        byte[] root = tree.root(md);
        for (Checkpoint c : new Checkpoint[] {cp, fromEntry}) {
            if (c != null && !MessageDigest.isEqual(root, c.root())) {
                long from = lastMatched == null ? 0 : lastMatched.size();
                throw tampered(from, "the first " + size + " entries do not match signed checkpoint " + size
                        + (c == cp ? " (" + sources.get(size) + ")" : " (CHECKPOINT entry at position " + size + ")")
                        + ": entries from position " + from + " on were rewritten, or the file was replaced");
            }
        }
        lastMatched = cp != null ? cp : fromEntry;
    }

    private Checkpoint checkpointEntry(long p, byte[] payload) {
        Checkpoint c;
        try {
            c = checkpointOf(payload, key);
        } catch (VerificationException e) {
            throw tampered(p, "the CHECKPOINT entry's note does not verify with " + AuditLedger.VERIFIER_KEY_FILE
                    + ": " + e.getMessage());
        }
        if (c.size() != p) {
            throw tampered(p, "the CHECKPOINT entry at position " + p + " is signed over " + c.size()
                    + " entries; it must cover exactly the entries before it");
        }
        return c;
    }

    private void checkGenesis(String type, byte[] payload) {
        if (!AuditLedger.GENESIS.equals(type)) {
            throw tampered(0, "the first entry is " + type + ", not GENESIS");
        }
        Map<?, ?> fields = parse(payload);
        Object named = fields == null ? null : fields.get("verifier_key");
        if (!key.toString().equals(named)) {
            throw tampered(0, "the genesis entry names verifier key " + named + " but this home's "
                    + AuditLedger.VERIFIER_KEY_FILE + " is " + key + ": the ledger file was replaced or belongs to"
                    + " another home");
        }
    }

    static Checkpoint checkpointOf(LedgerEntry e, VerifierKey key) {
        return checkpointOf(e.payloadBytes(), key);
    }

    private static Checkpoint checkpointOf(byte[] payload, VerifierKey key) {
        Map<?, ?> fields = parse(payload);
        Object note = fields == null ? null : fields.get("checkpoint");
        if (!(note instanceof String)) {
            throw new VerificationException("the CHECKPOINT payload has no 'checkpoint' note");
        }
        return Checkpoint.verify((String) note, key);
    }

    private static Map<?, ?> parse(byte[] payload) {
        if (payload == null) {
            return null;
        }
        try {
            return RecordJson.MAPPER.readValue(payload, Map.class);
        } catch (JsonProcessingException e) {
            return null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static boolean sameBytes(byte[] a, byte[] b) {
        if (a == null || b == null) {
            return a == null && (b == null || b.length == 0);
        }
        return MessageDigest.isEqual(a, b);
    }

    private static LedgerTamperedException tampered(long position, String reason) {
        return new LedgerTamperedException(position, reason);
    }
}
