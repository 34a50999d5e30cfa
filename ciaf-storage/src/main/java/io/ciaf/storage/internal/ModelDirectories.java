package io.ciaf.storage.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Internal. Model names as directory names: letters, digits, {@code _} and {@code -} stay as they are, every
 * other byte of the UTF-8 name becomes {@code %XX}, so {@code ../x} or {@code a/b} can never leave the
 * storage directory and the name can be recovered exactly.
 */
final class ModelDirectories {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private ModelDirectories() {
    }

    static String encode(String model) {
        StringBuilder out = new StringBuilder(model.length() + 8);
        for (byte b : model.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'
                    || (c == '.' && out.length() > 0)) {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return out.toString();
    }

    static String decode(String dir) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(dir.length());
        for (int i = 0; i < dir.length(); i++) {
            char c = dir.charAt(i);
            if (c == '%' && i + 2 < dir.length()) {
                out.write(Integer.parseInt(dir.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
