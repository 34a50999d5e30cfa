package net.bytebuddy.example;

/**
 * A class in Byte Buddy's package, as an application's own Byte Buddy (or a library shading it under its own
 * name) has: the agent ignores {@code net.bytebuddy.} even when configuration names a class there.
 */
public final class Lookalike {

    public int run() {
        return 42;
    }
}
