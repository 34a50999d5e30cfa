package io.ciaf.storage.internal;

/**
 * Internal. Frames a serialization stream as the {@code javaser} backend stores it, for tools and tests that
 * need to write such a file byte for byte.
 */
public final class JavaSerializationFrames {

    private JavaSerializationFrames() {
    }

    /** Magic, length and CRC32C header followed by {@code payload}. */
    public static byte[] frame(byte[] payload) {
        return JavaSerializationBackend.frame(payload);
    }
}
