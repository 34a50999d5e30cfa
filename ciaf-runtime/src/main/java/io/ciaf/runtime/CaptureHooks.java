package io.ciaf.runtime;

import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import io.ciaf.api.CaptureMetadata;
import io.ciaf.api.CaptureMode;
import io.ciaf.api.Stage;

/**
 * Internal, not for public use: what the agent's advice and the AspectJ aspect call around a captured
 * method. Both methods never throw. The work on the application thread is a cached lookup, argument
 * summaries (type and size, never {@code toString}), and one queue offer.
 */
public final class CaptureHooks {

    private static final Pattern SECRET = Pattern.compile("(?i).*(password|passwd|token|secret|key|credential).*");
    private static final String REDACTED = "[REDACTED]";

    private static final ClassValue<Map<String, Site>> SITES = new ClassValue<>() {
        @Override
        protected Map<String, Site> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    private CaptureHooks() {
    }

    /** What to record for one method, resolved once. */
    record Site(boolean capture, String className, String methodName, String model, String version, Stage stage,
            String event, String details, boolean arguments, boolean result, String[] parameterNames,
            boolean[] redacted, CaptureMode mode, boolean receipts, boolean anchors) {

        /** The name of argument {@code i}: its parameter name, or {@code arg<i>}. */
        String name(int i) {
            return i < parameterNames.length ? parameterNames[i] : "arg" + i;
        }

        /** Whether argument {@code i} is never stored. */
        boolean secret(int i) {
            return i < redacted.length && redacted[i];
        }
    }

    private static final Site SKIP = new Site(false, null, null, null, null, null, null, null, false, false, null,
            null, CaptureMode.DEFAULT, false, false);

    /**
     * Called by the agent when the first class with captured methods has loaded: CIAF opens its home in the
     * background now, while the application is still starting, instead of at the first captured call (which
     * the call itself, in {@code sync} mode, or the exit of a short JVM would otherwise wait for). Never throws.
     */
    public static void capturedClassLoaded() {
        try {
            CiafRuntime r = Ciaf.runtime();
            if (r != null) {
                r.ensureStarted();
            }
        } catch (Throwable t) {
            // the first captured call opens it instead
        }
    }

    /**
     * Called on entry to a captured method.
     *
     * @param type the declaring class
     * @param signature the method name followed by its JVM descriptor, e.g. {@code score(DLjava/lang/String;)D}
     *     (a constant at each call site, so the lookup allocates nothing)
     * @param args the arguments (may be null)
     * @return a token to pass to {@link #exit}, or null when nothing is captured
     */
    public static Object enter(Class<?> type, String signature, Object[] args) {
        return enter(type, signature, null, args);
    }

    private static Object enter(Class<?> type, String signature, Method known, Object[] args) {
        MetadataCapture.OnThread thread = MetadataCapture.onThread();
        if (thread.hookRunning) {
            return null;
        }
        thread.hookRunning = true;
        try {
            CiafRuntime r = Ciaf.runtime();
            if (r == null) {
                return null;
            }
            Map<String, Site> sites = SITES.get(type);
            Site site = sites.get(signature);
            if (site == null) {
                Method method = known != null ? known : find(type, signature);
                site = method == null ? SKIP : resolve(type, method, r);
                sites.put(signature, site);
            }
            if (!site.capture()) {
                return null;
            }
            if (r.dropsNow()) {
                return null;
            }
            boolean sync = site.mode() == CaptureMode.SYNC || (site.mode() != CaptureMode.ASYNC && r.syncByDefault());
            MetadataCapture c = new MetadataCapture(r, thread, site.model(), site.version(), site.stage(), site.event(),
                    sync);
            if (site.details() != null) {
                c.details(site.details());
            }
            c.site = site;
            int n = args == null ? 0 : args.length;
            if (site.receipts()) {
                Map<String, Object> input = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    input.put(site.name(i), site.secret(i) ? REDACTED : snapshot(args[i], "arguments", site.name(i), r));
                }
                c.receiptInput = input;
            }
            if (site.anchors()) {
                Map<String, Object> hyper = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    Object a = args[i];
                    if (!site.secret(i) && (a instanceof Number || a instanceof Boolean || a instanceof String
                            || a instanceof Enum<?>)) {
                        hyper.put(site.name(i), summarize(a, r));
                    }
                }
                c.anchorHyperparameters = hyper;
            }
            if (site.arguments() && args != null) {
                Object[] summary = new Object[n];
                for (int i = 0; i < n; i++) {
                    summary[i] = site.secret(i) ? REDACTED : summarize(args[i], r);
                }
                c.argumentSummaries = summary;
            }
            return c;
        } catch (Throwable t) {
            Problems.report("enter", "CIAF could not capture " + type.getName() + "." + signature, t);
            return null;
        } finally {
            thread.hookRunning = false;
        }
    }

    private static final ClassValue<Map<Method, String>> SIGNATURES = new ClassValue<>() {
        @Override
        protected Map<Method, String> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    /**
     * {@link #enter(Class, String, Object[])} for callers that have the {@link Method} (the AspectJ aspect). With
     * the agent installed too, the aspect steps aside, so that a call woven by both is recorded once.
     */
    public static Object enter(Method method, Object[] args) {
        if (AgentPresence.isInstalled()) {
            Problems.report("two routes", "both the CIAF agent and the AspectJ aspect capture in this JVM; the"
                    + " aspect steps aside so that each call is recorded once (use one route per application)");
            return null;
        }
        try {
            Class<?> type = method.getDeclaringClass();
            String signature = SIGNATURES.get(type).computeIfAbsent(method, m -> m.getName() + descriptor(m));
            return enter(type, signature, method, args);
        } catch (Throwable t) {
            return null;
        }
    }

    /** Called on every exit of a captured method (return or throw). */
    public static void exit(Object token, Object result, Throwable thrown) {
        if (!(token instanceof MetadataCapture c)) {
            return;
        }
        MetadataCapture.OnThread thread = c.owner; // exit runs on the thread that entered
        thread.hookRunning = true;
        try {
            if (thrown == null && c.site.result()) {
                c.result(summarize(result, c.runtime()));
            }
            if (thrown == null && c.anchorHyperparameters != null) {
                parametersOf(result, c);
            }
            if (thrown == null && c.receiptInput != null) {
                c.receiptOutput = snapshot(result, "", "result", c.runtime());
                c.receiptReady = true;
            }
            c.outcome(thrown);
            c.close();
        } catch (Throwable t) {
            Problems.report("exit", "CIAF could not finish a capture", t);
        } finally {
            thread.hookRunning = false;
        }
    }

    /** The declared method with this name-and-descriptor signature, or null. */
    private static Method find(Class<?> type, String signature) {
        for (Method m : type.getDeclaredMethods()) {
            if (signature.startsWith(m.getName()) && signature.equals(m.getName() + descriptor(m))) {
                return m;
            }
        }
        return null;
    }

    private static Site resolve(Class<?> type, Method method, CiafRuntime r) {
        String name = method.getName();
        try {
            CaptureMetadata a = method.getAnnotation(CaptureMetadata.class);
            if (a == null && Modifier.isPublic(method.getModifiers())) {
                a = type.getAnnotation(CaptureMetadata.class);
            }
            String[] names = parameterNames(method);
            if (a != null) {
                return site(r, type, method, names, a.model().isEmpty() ? type.getSimpleName() : a.model(),
                        a.version().isEmpty() ? null : a.version(), a.stage(),
                        a.event().isEmpty() ? name : a.event(), a.details().isEmpty() ? null : a.details(),
                        a.captureArguments(), a.captureResult(), List.of(a.redact()), a.mode());
            }
            for (CiafConfig.MethodRule rule : r.config.methods()) {
                if (rule.methods().contains(name) && matches(type, rule)) {
                    return site(r, type, method, names, rule.model() != null ? rule.model() : type.getSimpleName(), null,
                            Stage.parse(rule.stage()), rule.event() != null ? rule.event() : name, null, true, true,
                            List.of(), CaptureMode.DEFAULT);
                }
            }
            return SKIP;
        } catch (Throwable t) {
            Problems.report("resolve:" + type.getName(), "CIAF cannot read the annotations of " + type.getName(), t);
            return SKIP;
        }
    }

    private static boolean matches(Class<?> type, CiafConfig.MethodRule rule) {
        if (type.getName().equals(rule.className())) {
            return true;
        }
        if (!rule.subtypes()) {
            return false;
        }
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getName().equals(rule.className())) {
                return true;
            }
            for (Class<?> i : c.getInterfaces()) {
                if (i.getName().equals(rule.className())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Site site(CiafRuntime r, Class<?> type, Method method, String[] names, String model, String version, Stage stage,
            String event, String details, boolean arguments, boolean result, List<String> redact, CaptureMode mode) {
        List<String> configured = r.config.redact();
        boolean[] redacted = new boolean[names.length];
        for (int i = 0; i < names.length; i++) {
            String n = names[i];
            redacted[i] = SECRET.matcher(n).matches() || redact.contains(n) || configured.stream()
                    .anyMatch(x -> x.equalsIgnoreCase(n));
        }
        return new Site(true, type.getName(), method.getName(), model, version, stage, event, details, arguments,
                result && method.getReturnType() != void.class, names, redacted, mode,
                stage == Stage.INFERENCE && r.config.inferenceReceiptsOn(),
                stage == Stage.TRAINING && r.config.modelAnchors());
    }

    private static String[] parameterNames(Method m) {
        Parameter[] ps = m.getParameters();
        String[] names = new String[ps.length];
        for (int i = 0; i < ps.length; i++) {
            names[i] = ps[i].isNamePresent() ? ps[i].getName() : "arg" + i;
        }
        return names;
    }

    /**
     * A JSON-safe summary that never calls the value's own methods except {@code size()} of JDK collections:
     * numbers, booleans and enums as they are, strings cut, arrays and collections as type and size, anything
     * else as its type.
     */
    static Object summarize(Object v, CiafRuntime r) {
        if (v == null || v instanceof Boolean || v instanceof Integer || v instanceof Long || v instanceof Short
                || v instanceof Byte) {
            return v;
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            return Double.isFinite(d) ? v : String.valueOf(d);
        }
        if (v instanceof String s) {
            return r.cut(s);
        }
        if (v instanceof Character) {
            return v.toString();
        }
        if (v instanceof Enum<?> e) {
            return e.name();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        Class<?> c = v.getClass();
        out.put("type", c.isArray() ? c.getComponentType().getName() + "[]" : c.getName());
        if (c.isArray()) {
            out.put("length", java.lang.reflect.Array.getLength(v));
        } else if (c.getName().startsWith("java.util.") && (v instanceof java.util.Collection
                || v instanceof Map)) {
            out.put("size", v instanceof Map ? ((Map<?, ?>) v).size() : ((java.util.Collection<?>) v).size());
        }
        return out;
    }

    /** Copies the parameters a training method returned (arrays are copied: the caller may change them). */
    private static void parametersOf(Object result, MetadataCapture c) {
        if (result instanceof double[] d) {
            c.anchorParameters = new double[][] {d.clone()};
        } else if (result instanceof double[][] dd) {
            double[][] copy = new double[dd.length][];
            for (int i = 0; i < dd.length; i++) {
                copy[i] = dd[i] == null ? new double[0] : dd[i].clone();
            }
            c.anchorParameters = copy;
        } else if (result instanceof float[] f) {
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                d[i] = f[i];
            }
            c.anchorParameters = new double[][] {d};
        } else if (result instanceof java.nio.file.Path p) {
            c.anchorFile = p;
        } else if (result instanceof java.io.File f) {
            c.anchorFile = f.toPath();
        }
    }

    /**
     * The value as JSON, copied now (the caller may change it after the call), for a commitment; what cannot be
     * written as JSON (an arbitrary object) is committed to as its summary instead. It is member {@code key} of
     * {@code parent}, whose path is built only to name an error.
     */
    private static Object snapshot(Object v, String parent, String key, CiafRuntime r) {
        try {
            return io.ciaf.api.internal.JsonValues.member(parent, key, v);
        } catch (RuntimeException e) {
            return summarize(v, r);
        }
    }

    /** The JVM descriptor of a method, as class files and Byte Buddy write it. */
    static String descriptor(Method m) {
        return MethodType.methodType(m.getReturnType(), m.getParameterTypes()).toMethodDescriptorString();
    }
}
