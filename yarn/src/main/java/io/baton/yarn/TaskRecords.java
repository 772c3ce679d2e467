package io.baton.yarn;

import io.baton.proto.ExecutorState;
import io.baton.proto.NodeState;
import io.baton.proto.TaskStatus;
import io.baton.tasks.TaskStates;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Which tasks each executor had, kept on the cluster's file system ({@code <stagingDir>/tasks/<executor id>}, one
 * task id a line) so that a later attempt of the AM can end them when their executor never re-subscribes to it: a new
 * attempt's ledger is rebuilt from re-subscriptions alone, and without these records a framework would hear nothing
 * of those tasks (a reconcile would say TASK_UNKNOWN). Each attempt writes the records of the executors its ledgers
 * hold, from its STATE, whenever they change ({@link #write}, every {@link #PERIOD_MS}): a task launched less than
 * that before the AM dies may be missing from them (it is then unknown, as before). Records of executors that did not
 * re-subscribe are left as the earlier attempt wrote them, until they are used ({@link #take}).
 *
 * <p>Blocking file-system calls; one caller at a time (the AM's YARN thread).
 */
final class TaskRecords {
    /** How often the AM writes the records that changed. */
    static final long PERIOD_MS = 500;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TaskRecords.class);

    private final FileSystem fs;
    private final Path dir;
    private final Map<String, TreeSet<String>> written = new HashMap<>();

    TaskRecords(Configuration conf, Path stagingDir) throws IOException {
        this.fs = stagingDir.getFileSystem(conf);
        this.dir = fs.makeQualified(new Path(stagingDir, "tasks"));
        fs.mkdirs(dir);
    }

    /** The tasks not ended yet of each executor in {@code state} (held, and the old and new task of a replacement). */
    static Map<String, TreeSet<String>> live(NodeState state) {
        Map<String, TreeSet<String>> out = new HashMap<>();
        for (ExecutorState e : state.getExecutorsList()) {
            TreeSet<String> ids = new TreeSet<>();
            for (TaskStatus t : e.getTasksList()) {
                if (!TaskStates.isTerminal(t.getState())) {
                    ids.add(t.getTaskId().getValue());
                }
            }
            out.put(e.getExecutorId().getValue(), ids);
        }
        return out;
    }

    /** Writes the record of each executor in {@code live} whose tasks changed since this attempt last wrote it. */
    void write(Map<String, TreeSet<String>> live) throws IOException {
        for (Map.Entry<String, TreeSet<String>> e : live.entrySet()) {
            if (e.getValue().equals(written.get(e.getKey()))) {
                continue;
            }
            Path file = new Path(dir, e.getKey());
            Path partial = new Path(dir, "." + e.getKey() + ".partial");
            try (OutputStream out = fs.create(partial, true)) {
                out.write(String.join("\n", e.getValue()).getBytes(StandardCharsets.UTF_8));
            }
            fs.delete(file, false);
            if (!fs.rename(partial, file)) {
                throw new IOException("could not rename " + partial + " to " + file);
            }
            written.put(e.getKey(), new TreeSet<>(e.getValue()));
        }
    }

    /** {@link #write}, logging a failure (the records then lag until the next write works). */
    void writeOrLog(Map<String, TreeSet<String>> live) {
        try {
            write(live);
        } catch (IOException e) {
            LOG.warn("could not record the executors' tasks for later attempts of the AM: {}", e.toString());
        }
    }

    /** The tasks last recorded for the executor (by any attempt), and the record removed; empty when none. */
    List<String> take(String executorId) throws IOException {
        Path file = new Path(dir, executorId);
        if (!fs.exists(file)) {
            return List.of();
        }
        List<String> ids = new ArrayList<>();
        try (FSDataInputStream in = fs.open(file)) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    ids.add(line.trim());
                }
            }
        }
        fs.delete(file, false);
        written.remove(executorId);
        return ids;
    }
}
