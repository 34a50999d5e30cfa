package io.ciaf.anchor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

import io.ciaf.ledger.AuditLedger;

/** Changes a stored payload behind CIAF's back, with plain SQLite, as someone with file access could. */
final class TamperedPayloads {

    private TamperedPayloads() {
    }

    /** Replaces {@code from} (which must be there) by {@code to} in the payload at {@code position}. */
    static void replace(Path home, long position, String from, String to) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve(AuditLedger.LEDGER_FILE))) {
            c.createStatement().execute("DROP TRIGGER IF EXISTS payloads_no_update");
            String payload;
            try (PreparedStatement s = c.prepareStatement("SELECT payload FROM payloads WHERE position=?")) {
                s.setLong(1, position);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    payload = new String(rs.getBytes(1), StandardCharsets.UTF_8);
                }
            }
            assertThat(payload).contains(from);
            try (PreparedStatement s = c.prepareStatement("UPDATE payloads SET payload=? WHERE position=?")) {
                s.setBytes(1, payload.replace(from, to).getBytes(StandardCharsets.UTF_8));
                s.setLong(2, position);
                s.executeUpdate();
            }
        }
    }
}
