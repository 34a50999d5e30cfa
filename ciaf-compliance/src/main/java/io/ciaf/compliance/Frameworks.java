package io.ciaf.compliance;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The frameworks an assessment can use: the seven built in (EU AI Act, GDPR, FDA 21 CFR 11 + GMLP, EEOC,
 * FCRA/ECOA, HIPAA, ISO 13485) and those on the class path, found with {@link ServiceLoader} through
 * {@code META-INF/services/io.ciaf.compliance.ComplianceFramework}.
 */
public final class Frameworks {

    private Frameworks() {
    }

    /** What discovery found, and the providers it could not load (each a sentence naming the provider). */
    public record Found(List<ComplianceFramework> frameworks, List<String> problems) {
        public Found {
            frameworks = List.copyOf(frameworks);
            problems = List.copyOf(problems);
        }
    }

    /** The built-in frameworks, in a fixed order. */
    public static List<ComplianceFramework> builtIn() {
        return List.of(EuAiAct.framework(), Gdpr.framework(), Fda21Cfr11.framework(), Eeoc.framework(),
                FcraEcoa.framework(), Hipaa.framework(), Iso13485.framework());
    }

    /**
     * The built-in frameworks followed by those {@code loader} provides. A provider that cannot be loaded, or
     * whose id is taken already, is left out and named in {@link Found#problems()}; discovery itself never fails.
     */
    public static Found discover(ClassLoader loader) {
        Map<String, ComplianceFramework> byId = new LinkedHashMap<>();
        builtIn().forEach(f -> byId.put(f.id(), f));
        List<String> problems = new ArrayList<>();
        Iterator<ComplianceFramework> it = ServiceLoader.load(ComplianceFramework.class, loader).iterator();
        while (true) {
            ComplianceFramework f;
            try {
                if (!it.hasNext()) {
                    break;
                }
                f = it.next();
            } catch (ServiceConfigurationError | LinkageError e) {
                problems.add("a compliance framework provider could not be loaded: " + e.getMessage());
                continue;
            }
            String id;
            try {
                id = f.id();
            } catch (RuntimeException e) {
                problems.add("framework " + f.getClass().getName() + " has no usable id: " + e);
                continue;
            }
            if (id == null || id.isBlank()) {
                problems.add("framework " + f.getClass().getName() + " has no id; it is left out");
            } else if (byId.containsKey(id)) {
                problems.add("framework " + f.getClass().getName() + " uses the id '" + id + "' of "
                        + byId.get(id).getClass().getName() + "; it is left out");
            } else {
                byId.put(id, f);
            }
        }
        return new Found(new ArrayList<>(byId.values()), problems);
    }
}
