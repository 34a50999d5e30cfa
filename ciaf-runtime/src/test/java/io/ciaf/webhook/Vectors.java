package io.ciaf.webhook;

/** Known answers computed with standard tools, not with CIAF. */
final class Vectors {

    /** {@code printf '%s' '1700000000.{"a":1}' | openssl dgst -sha256 -hmac k} */
    static final String HMAC_K_1700000000_A1 = "1b6ad1bc9bf48c52ce01939866d5877c6cc4e87ddad27e16673cb8c4964394a3";

    private Vectors() {
    }
}
