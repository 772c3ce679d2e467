package io.baton.bench.jmh;

import io.baton.resources.Resources;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** {@link Resources} arithmetic on a node-sized envelope against a task-sized request. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.F1, JvmFlags.F2, JvmFlags.F3, JvmFlags.F4, JvmFlags.F5, JvmFlags.F6,
        JvmFlags.F7, JvmFlags.F8, JvmFlags.F9, JvmFlags.F10, JvmFlags.F11})
public class ResourcesBench {
    /** scalars: cpus, mem, disk, gpus; ports: the scalars plus a few hundred disjoint port ranges. */
    @Param({"scalars", "ports"})
    public String shape;

    Resources total;
    Resources task;
    Resources free;

    @Setup
    public void setUp() {
        String scalars = "cpus:16;mem:65536;disk:512000;gpus:2";
        if (shape.equals("scalars")) {
            total = Resources.parse(scalars);
            task = Resources.parse("cpus:1.5;mem:2048;disk:1024");
        } else {
            total = Resources.parse(scalars + ";ports:[" + ranges(31_000, 300, 10) + "]");
            // every 3rd range of the node's, plus scalars
            task = Resources.parse("cpus:1.5;mem:2048;disk:1024;ports:[" + ranges(31_000, 100, 30) + "]");
        }
        if (!total.contains(task)) {
            throw new IllegalStateException(total + " should contain " + task);
        }
        free = total.minus(task);
    }

    /** {@code count} ranges of 5 ports, starting every {@code stride} ports. */
    static String ranges(int start, int count, int stride) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < count; i++) {
            int lo = start + i * stride;
            if (i > 0) {
                b.append(',');
            }
            b.append(lo).append('-').append(lo + 4);
        }
        return b.toString();
    }

    @Benchmark
    public boolean contains() {
        return total.contains(task);
    }

    @Benchmark
    public Resources plus() {
        return free.plus(task);
    }

    @Benchmark
    public Resources minus() {
        return total.minus(task);
    }
}
