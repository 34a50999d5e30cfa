package io.ciaf.compliance.acme;

import java.util.List;

import io.ciaf.compliance.CheckResult;
import io.ciaf.compliance.CheckStatus;
import io.ciaf.compliance.ComplianceCheck;
import io.ciaf.compliance.ComplianceFramework;

/** A third-party framework, packaged into a jar by the test and found through ServiceLoader. */
public class AcmeFramework implements ComplianceFramework {

    public String id() {
        return "acme-policy";
    }

    public String name() {
        return "ACME model policy";
    }

    public String version() {
        return "7";
    }

    public List<ComplianceCheck> checks() {
        return List.of(ComplianceCheck.of("ACME-1", "ACME policy 1", 1, false,
                e -> CheckResult.of("ACME-1", e.records().size() >= 2 ? CheckStatus.PASS : CheckStatus.FAIL,
                        e.records().size() + " records")));
    }
}
