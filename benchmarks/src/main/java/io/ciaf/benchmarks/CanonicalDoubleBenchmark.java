package io.ciaf.benchmarks;

import io.ciaf.api.internal.CanonicalJson;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Canonical JSON of a full-precision double (a model's score or metric, 16–17 significant digits), the kind a
 * captured record or an inference receipt holds. Baseline in the same fork: {@link Double#toString} of the same
 * doubles. Run it on each JDK ({@code -jvm /path/to/java}): from JDK 19 CIAF takes {@code Double.toString}'s
 * digits as they are, and searches before.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class CanonicalDoubleBenchmark {

    private final double[] scores = new double[4096];
    private int next;

    @Setup
    public void scores() {
        SplittableRandom random = new SplittableRandom(19);
        for (int i = 0; i < scores.length; i++) {
            scores[i] = random.nextDouble();
        }
    }

    @Benchmark
    public String formatDouble() {
        return CanonicalJson.formatDouble(scores[next++ & 4095]);
    }

    @Benchmark
    public String doubleToString() {
        return Double.toString(scores[next++ & 4095]);
    }
}
