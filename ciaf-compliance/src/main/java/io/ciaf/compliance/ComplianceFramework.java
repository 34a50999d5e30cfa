package io.ciaf.compliance;

import java.util.List;

/** A regulation or standard as a set of checks; discovered with {@link java.util.ServiceLoader} or registered in code. */
public interface ComplianceFramework {

    /** Stable id, e.g. {@code eeoc}. */
    String id();

    String name();

    String version();

    List<ComplianceCheck> checks();
}
