package io.baton.yarn;

import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.yarn.api.ApplicationConstants;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.ApplicationSubmissionContext;
import org.apache.hadoop.yarn.api.records.ContainerLaunchContext;
import org.apache.hadoop.yarn.api.records.LocalResource;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.exceptions.YarnException;

/**
 * Submits the Baton AM to YARN as a managed ApplicationMaster, in a container of its own, that YARN starts
 * again (a new attempt) when it dies, with the executors' containers kept running
 * ({@code keepContainersAcrossApplicationAttempts}).
 *
 * <p>What the submitter stages in {@code <stagingBase>/<application id>} on the cluster's file system, and the
 * AM's container gets as {@link LocalResource}s (visibility APPLICATION, linked into its work directory under
 * their file names): the AM's jars (its class path, in the order given), the application's token
 * ({@code baton.token}, mode 0600, the same for every attempt and every executor), and the client's Hadoop
 * configuration ({@code baton-hadoop.xml}, so the AM finds the ResourceManager the client used). The AM
 * publishes its address in the same directory ({@link AmAddress}) and registers its host and framework port
 * with the ResourceManager ({@link #awaitAttempt}).
 *
 * <pre>{@code
 * ApplicationId app = BatonYarnClient.submit(client, conf, submission).application();
 * ApplicationReport report = BatonYarnClient.awaitAttempt(client, app, 1, Duration.ofMinutes(1));
 * // frameworks: tcp://report.getHost():report.getRpcPort()
 * }</pre>
 *
 * <p>Blocking calls; one submission per call, from any thread.
 */
public final class BatonYarnClient {
    /** The Hadoop configuration the AM's container gets, under this name. */
    public static final String HADOOP_CONF_LINK = "baton-hadoop.xml";
    /** Where in the application's staging directory the executors' files are. */
    static final String EXECUTOR_FILES = "executor";

    /**
     * One application to submit.
     *
     * @param name the application's name in YARN
     * @param stagingBase where on the cluster's file system application directories go, e.g.
     *     {@code hdfs:///user/me/.baton}; the application's is {@code <stagingBase>/<application id>}
     * @param amFiles local files the AM's container gets under their names: jars and directories form its class
     *     path (in this order, then the work directory itself, so other files there are class path resources)
     * @param java the java command on the NodeManagers' hosts
     * @param jvmFlags flags for the AM's JVM (a heap limit below {@code amSize}'s memory)
     * @param amSize the AM's container
     * @param amArgs the AM's options ({@link AmCommandLine}) but {@code --staging-dir} and {@code --hadoop-conf},
     *     which the submitter adds
     * @param maxAttempts how many attempts YARN may start (at least 2 for the AM to come back; at most the
     *     ResourceManager's {@code yarn.resourcemanager.am.max-attempts})
     * @param executorFiles local files every executor container gets under their names (staged once, in
     *     {@code <staging>/executor/}, where the AM finds them): jars and directories form the executors' class
     *     path, in this order, then the work directory; the submitter passes that class path to the AM as
     *     {@code --executor-classpath}. Empty: the executors' class path is the AM's {@code --executor-classpath}
     *     on the NodeManagers' hosts.
     */
    public record Submission(String name, String stagingBase, List<java.nio.file.Path> amFiles, String java,
            List<String> jvmFlags, YarnSize amSize, List<String> amArgs, int maxAttempts,
            List<java.nio.file.Path> executorFiles) {

        /** Executors with a host class path. */
        public Submission(String name, String stagingBase, List<java.nio.file.Path> amFiles, String java,
                List<String> jvmFlags, YarnSize amSize, List<String> amArgs, int maxAttempts) {
            this(name, stagingBase, amFiles, java, jvmFlags, amSize, amArgs, maxAttempts, List.of());
        }

        public Submission {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(stagingBase, "stagingBase");
            Objects.requireNonNull(amSize, "amSize");
            amFiles = List.copyOf(amFiles);
            jvmFlags = List.copyOf(jvmFlags);
            amArgs = List.copyOf(amArgs);
            executorFiles = List.copyOf(executorFiles);
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("an application needs at least 1 attempt, got " + maxAttempts);
            }
            uniqueNames("AM", amFiles);
            uniqueNames("executor", executorFiles);
        }

        private static void uniqueNames(String whose, List<java.nio.file.Path> files) {
            Map<String, java.nio.file.Path> names = new HashMap<>();
            for (java.nio.file.Path f : files) {
                java.nio.file.Path other = names.put(f.getFileName().toString(), f);
                if (other != null) {
                    throw new IllegalArgumentException("two " + whose + " files have the name " + f.getFileName()
                            + " (" + other + " and " + f + "); each is linked into the container under its name");
                }
            }
        }
    }

    /** A submitted application, and its staging directory on the cluster's file system. */
    public record Submitted(ApplicationId application, Path stagingDir) {
    }

    private BatonYarnClient() {
    }

    /** Stages the AM's files and token, and submits the application; returns once the RM accepted it. */
    public static Submitted submit(YarnClient client, Configuration conf, Submission s) throws IOException {
        try {
            ApplicationSubmissionContext context = client.createApplication().getApplicationSubmissionContext();
            ApplicationId app = context.getApplicationId();
            Path staging = new Path(s.stagingBase(), app.toString());
            FileSystem fs = staging.getFileSystem(conf);
            staging = fs.makeQualified(staging);
            fs.mkdirs(staging, new FsPermission((short) 0700));

            Map<String, LocalResource> resources = new HashMap<>();
            List<String> classpath = stage(fs, s.amFiles(), new Path(staging, "am"), resources);
            List<String> amArgs = new ArrayList<>(s.amArgs());
            if (!s.executorFiles().isEmpty()) {
                amArgs.add("--executor-classpath");
                amArgs.add(String.join(":", stage(fs, s.executorFiles(), new Path(staging, EXECUTOR_FILES),
                        new HashMap<>())));
            }
            resources.put(ExecutorCommands.TOKEN_LINK, TokenResource.stage(conf, staging, newToken()));
            Path hadoopConf = new Path(staging, HADOOP_CONF_LINK);
            try (OutputStream out = fs.create(hadoopConf, true)) {
                conf.writeXml(out);
            }
            resources.put(HADOOP_CONF_LINK, TokenResource.resource(fs, hadoopConf));

            ContainerLaunchContext am = ContainerLaunchContext.newInstance(resources, Map.of(),
                    List.of(command(s, amArgs, classpath, staging)), null, null, null);
            context.setApplicationName(s.name());
            context.setApplicationType("BATON");
            context.setResource(YarnResources.toHadoop(s.amSize()));
            context.setMaxAppAttempts(s.maxAttempts());
            context.setKeepContainersAcrossApplicationAttempts(true);
            context.setAMContainerSpec(am);
            client.submitApplication(context);
            return new Submitted(app, staging);
        } catch (YarnException e) {
            throw new IOException("could not submit application '" + s.name() + "': " + e.getMessage(), e);
        }
    }

    /** {@code <java> <flags> -cp <classpath> io.baton.yarn.BatonApplicationMaster <args> ...}, logs to LOG_DIR. */
    static String command(Submission s, List<String> amArgs, List<String> classpath, Path staging) {
        List<String> parts = new ArrayList<>();
        parts.add(ExecutorCommands.quote(s.java()));
        s.jvmFlags().forEach(f -> parts.add(ExecutorCommands.quote(f)));
        parts.add("-cp");
        parts.add(ExecutorCommands.quote(String.join(":", classpath)));
        parts.add(BatonApplicationMaster.class.getName());
        amArgs.forEach(a -> parts.add(ExecutorCommands.quote(a)));
        parts.add("--staging-dir");
        parts.add(ExecutorCommands.quote(staging.toString()));
        parts.add("--hadoop-conf");
        parts.add(HADOOP_CONF_LINK);
        parts.add("1>>" + ApplicationConstants.LOG_DIR_EXPANSION_VAR + "/am.out");
        parts.add("2>>" + ApplicationConstants.LOG_DIR_EXPANSION_VAR + "/am.err");
        return String.join(" ", parts);
    }

    /**
     * Copies {@code files} into {@code dir} on the cluster's file system, puts each into {@code resources} under
     * its name, and returns the class path they make: the jars and directories, in order, then {@code .}.
     */
    private static List<String> stage(FileSystem fs, List<java.nio.file.Path> files, Path dir,
            Map<String, LocalResource> resources) throws IOException {
        List<String> classpath = new ArrayList<>();
        for (java.nio.file.Path f : files) {
            String link = f.getFileName().toString();
            Path target = new Path(dir, link);
            fs.copyFromLocalFile(false, true, new Path(f.toAbsolutePath().toUri()), target);
            resources.put(link, TokenResource.resource(fs, target));
            if (link.endsWith(".jar") || java.nio.file.Files.isDirectory(f)) {
                classpath.add(link);
            }
        }
        classpath.add(".");
        return classpath;
    }

    /** The executors' files, as the AM finds them: every file in {@code <staging>/executor/}, by name. */
    static Map<String, LocalResource> executorFiles(Configuration conf, Path staging) throws IOException {
        FileSystem fs = staging.getFileSystem(conf);
        Path dir = new Path(staging, EXECUTOR_FILES);
        Map<String, LocalResource> files = new HashMap<>();
        if (fs.exists(dir)) {
            for (org.apache.hadoop.fs.FileStatus f : fs.listStatus(dir)) {
                files.put(f.getPath().getName(), TokenResource.resource(fs, f.getPath()));
            }
        }
        return files;
    }

    /**
     * Waits until attempt {@code attempt} (or a later one) of the application has registered: the report then
     * names the host and framework port it serves at ({@code getHost()}, {@code getRpcPort()}) and its live view
     * ({@code getOriginalTrackingUrl()}).
     *
     * @throws IOException when the application ends first, or the attempt has not registered within {@code timeout}
     */
    public static ApplicationReport awaitAttempt(YarnClient client, ApplicationId app, int attempt, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no report yet";
        try {
            while (System.nanoTime() < deadline) {
                ApplicationReport r = client.getApplicationReport(app);
                YarnApplicationState state = r.getYarnApplicationState();
                if (state == YarnApplicationState.FAILED || state == YarnApplicationState.KILLED
                        || state == YarnApplicationState.FINISHED) {
                    throw new IOException("application " + app + " ended as " + state + " before attempt " + attempt
                            + " registered: " + r.getDiagnostics());
                }
                int current = r.getCurrentApplicationAttemptId() == null ? 0
                        : r.getCurrentApplicationAttemptId().getAttemptId();
                if (state == YarnApplicationState.RUNNING && current >= attempt && r.getRpcPort() > 0) {
                    return r;
                }
                last = "application " + state + ", attempt " + current + ", host " + r.getHost() + ", port "
                        + r.getRpcPort();
                Thread.sleep(100);
            }
        } catch (YarnException e) {
            throw new IOException("could not read the report of application " + app + ": " + e.getMessage(), e);
        }
        throw new IOException("attempt " + attempt + " of application " + app + " did not register within "
                + timeout.toMillis() + " ms (last seen: " + last + ")");
    }

    private static String newToken() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
