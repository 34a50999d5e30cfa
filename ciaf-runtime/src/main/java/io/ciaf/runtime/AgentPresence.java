package io.ciaf.runtime;

/**
 * Internal, not for public use: whether the CIAF agent is installed in this JVM, so that an AspectJ aspect woven
 * into the same classes steps aside and each call is recorded once. A class of its own because the agent sets it
 * in {@code premain}, where loading {@link CaptureHooks} would cost start-up time.
 */
public final class AgentPresence {

    private static volatile boolean installed;

    private AgentPresence() {
    }

    /** Called by the agent once it is installed. */
    public static void installed() {
        installed = true;
    }

    static boolean isInstalled() {
        return installed;
    }
}
