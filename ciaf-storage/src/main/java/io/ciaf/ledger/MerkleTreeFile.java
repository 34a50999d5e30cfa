package io.ciaf.ledger;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * An RFC 6962 Merkle tree over 32-byte leaf data (e.g. the SHA-256 of each sample of a dataset), built by
 * streaming and kept in a file so that any leaf's inclusion proof costs about log2(n) small reads.
 *
 * <p>File: the 8 ASCII bytes {@code CIAFMT01}, the leaf count as a big-endian u64, then for level 0, 1, 2, …
 * the hashes of the perfect, aligned subtrees of that level in order (level 0: the leaf hashes
 * SHA-256(0x00 ‖ data); level k: floor(n / 2^k) hashes, each covering 2^k leaves), 32 bytes each.
 */
public final class MerkleTreeFile implements AutoCloseable {

    private static final byte[] MAGIC = "CIAFMT01".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = 16;

    private final Path file;
    private final FileChannel channel;
    private final long size;
    private final long[] levelOffsets;
    private final byte[] root;

    private MerkleTreeFile(Path file, FileChannel channel, long size) {
        this.file = file;
        this.channel = channel;
        this.size = size;
        List<Long> offsets = new ArrayList<>();
        long offset = HEADER;
        for (long count = size; count > 0; count >>= 1) {
            offsets.add(offset);
            offset += count * Merkle.HASH_LENGTH;
        }
        this.levelOffsets = offsets.stream().mapToLong(Long::longValue).toArray();
        try {
            if (channel.size() != offset) {
                throw new IllegalStateException("Merkle tree file " + file + " is " + channel.size() + " bytes; a tree"
                        + " of " + size + " leaves takes " + offset + " (truncated or not a tree file)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        this.root = size == 0 ? Merkle.emptyRoot() : Merkle.root(nodes(), size);
    }

    /** Starts a new tree file (creating its directory); refuses to overwrite one. */
    public static Builder create(Path file) {
        if (Files.exists(file)) {
            throw new IllegalArgumentException("refusing to overwrite the Merkle tree file " + file);
        }
        Path parent = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the directory " + parent + " for " + file.getFileName(), e);
        }
        return new Builder(file);
    }

    /**
     * Opens a tree file written by {@link Builder#finish}.
     *
     * @throws IllegalStateException if it is not one, or its length does not match its leaf count
     */
    public static MerkleTreeFile open(Path file) {
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
            ByteBuffer header = ByteBuffer.allocate(HEADER);
            while (header.hasRemaining() && ch.read(header, header.position()) > 0) {
                // fill the header
            }
            header.flip();
            byte[] magic = new byte[MAGIC.length];
            if (header.remaining() < HEADER) {
                ch.close();
                throw new IllegalStateException(file + " is not a CIAF Merkle tree file (too short)");
            }
            header.get(magic);
            if (!MessageDigest.isEqual(magic, MAGIC)) {
                ch.close();
                throw new IllegalStateException(file + " is not a CIAF Merkle tree file (no CIAFMT01 header)");
            }
            long size = header.getLong();
            try {
                return new MerkleTreeFile(file, ch, size);
            } catch (RuntimeException e) {
                ch.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the Merkle tree file " + file, e);
        }
    }

    /** The RFC 6962 root over a few leaves held in memory (e.g. a model's parameter arrays). */
    public static byte[] root(java.util.List<byte[]> leafData) {
        MessageDigest md = Merkle.newSha256();
        Frontier f = Frontier.empty();
        for (byte[] data : leafData) {
            if (data.length != Merkle.HASH_LENGTH) {
                throw new IllegalArgumentException("leaf data must be 32 bytes (a SHA-256); got " + data.length);
            }
            f.appendLeafHash(md, Merkle.leafHash(md, data));
        }
        return f.root(md);
    }

    /** Number of leaves. */
    public long size() {
        return size;
    }

    /** The RFC 6962 root (SHA-256 of nothing for an empty tree). */
    public byte[] root() {
        return root.clone();
    }

    /** The leaf hash SHA-256(0x00 ‖ data) of leaf {@code index}. */
    public byte[] leafHash(long index) {
        requireIndex(index);
        return nodes().node(0, index);
    }

    /** The inclusion proof of leaf {@code index} against {@link #root()}. */
    public InclusionProof proveInclusion(long index) {
        requireIndex(index);
        Merkle.Nodes nodes = nodes();
        return new InclusionProof(index, size, root.clone(), nodes.node(0, index),
                Merkle.inclusionPath(nodes, index, size));
    }

    private void requireIndex(long index) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("leaf " + index + " is outside the tree of " + size + " leaves");
        }
    }

    private Merkle.Nodes nodes() {
        return (level, index) -> {
            ByteBuffer buf = ByteBuffer.allocate(Merkle.HASH_LENGTH);
            long at = levelOffsets[level] + index * Merkle.HASH_LENGTH;
            try {
                while (buf.hasRemaining()) {
                    if (channel.read(buf, at + buf.position()) < 0) {
                        throw new IllegalStateException(file + " ends early");
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
            return buf.array();
        };
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    /** Adds leaves in order, writing each level to its own temporary file, then joins them. */
    public static final class Builder implements AutoCloseable {

        private final Path file;
        private final MessageDigest md = Merkle.newSha256();
        private final Frontier frontier = Frontier.empty();
        private final List<OutputStream> levels = new ArrayList<>();
        private final List<Path> levelFiles = new ArrayList<>();
        private boolean done;

        private Builder(Path file) {
            this.file = file;
        }

        /** Adds the next leaf's 32-byte data. */
        public void add(byte[] leafData) {
            if (leafData.length != Merkle.HASH_LENGTH) {
                throw new IllegalArgumentException("leaf data must be 32 bytes (a SHA-256); got " + leafData.length);
            }
            byte[] leaf = Merkle.leafHash(md, leafData);
            write(0, leaf, 0);
            byte[] completed = frontier.appendLeafHash(md, leaf);
            if (completed != null) {
                for (int i = 0; i < completed.length / Merkle.HASH_LENGTH; i++) {
                    write(i + 1, completed, i * Merkle.HASH_LENGTH);
                }
            }
        }

        /** Leaves added so far. */
        public long size() {
            return frontier.size();
        }

        /** The root of the leaves added so far. */
        public byte[] root() {
            return frontier.root(md);
        }

        private void write(int level, byte[] bytes, int offset) {
            try {
                while (levels.size() <= level) {
                    Path tmp = file.resolveSibling(file.getFileName() + ".level" + levels.size() + ".tmp");
                    levelFiles.add(tmp);
                    levels.add(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16));
                }
                levels.get(level).write(bytes, offset, Merkle.HASH_LENGTH);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the Merkle tree next to " + file, e);
            }
        }

        /** Writes the tree file (synced, then renamed into place) and opens it. */
        public MerkleTreeFile finish() {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try {
                for (OutputStream out : levels) {
                    out.close();
                }
                try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    ByteBuffer header = ByteBuffer.allocate(HEADER).put(MAGIC).putLong(frontier.size());
                    header.flip();
                    while (header.hasRemaining()) {
                        out.write(header);
                    }
                    for (Path level : levelFiles) {
                        try (FileChannel in = FileChannel.open(level, StandardOpenOption.READ)) {
                            long n = in.size();
                            for (long done = 0; done < n; ) {
                                done += in.transferTo(done, n - done, out);
                            }
                        }
                    }
                    out.force(true);
                }
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                throw new IllegalArgumentException("refusing to overwrite " + e.getFile());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the Merkle tree file " + file, e);
            } finally {
                done = true;
                cleanUp();
            }
            return open(file);
        }

        private void cleanUp() {
            for (OutputStream out : levels) {
                try {
                    out.close();
                } catch (IOException ignored) {
                    // removing anyway
                }
            }
            for (Path level : levelFiles) {
                try {
                    Files.deleteIfExists(level);
                } catch (IOException ignored) {
                    // a stray temporary file
                }
            }
        }

        /** Discards an unfinished tree's temporary files. */
        @Override
        public void close() {
            if (!done) {
                done = true;
                cleanUp();
            }
        }
    }
}
