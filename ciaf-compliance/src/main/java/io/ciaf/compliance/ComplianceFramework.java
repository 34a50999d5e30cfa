package io.ciaf.compliance;

import java.util.List;

/** A regulation or standard as a set of checks; discovered with {@link java.util.ServiceLoader} or registered in code. */
public interface ComplianceFramework {

    /** Stable id, e.g. {@code eeoc}. */
    String id();

    String name();

    String version();

    List<ComplianceCheck> checks();

    /**
     * A framework from its parts.
     *
     * @throws IllegalArgumentException for a blank id or two checks with one id
     */
    static ComplianceFramework of(String id, String name, String version, List<ComplianceCheck> checks) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a framework needs an id");
        }
        List<ComplianceCheck> copy = List.copyOf(checks);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (ComplianceCheck c : copy) {
            if (!seen.add(c.id())) {
                throw new IllegalArgumentException("framework " + id + " has two checks with id " + c.id());
            }
        }
        return new ComplianceFramework() {
            public String id() {
                return id;
            }

            public String name() {
                return name;
            }

            public String version() {
                return version;
            }

            public List<ComplianceCheck> checks() {
                return copy;
            }

            @Override
            public String toString() {
                return id + " " + version;
            }
        };
    }
}
