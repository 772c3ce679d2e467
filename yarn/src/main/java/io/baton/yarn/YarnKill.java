package io.baton.yarn;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;

/**
 * {@code bin/baton-yarn kill --conf-dir DIR --application ID}: asks the ResourceManager to kill a Baton application
 * (its AM and its executors' containers), as {@code yarn application -kill} does, for users without Hadoop's CLI.
 */
public final class YarnKill {
    private YarnKill() {
    }

    public static void main(String[] args) throws Exception {
        io.baton.shim.ConsoleText.install(); // no UTF-8 locale: "-" for "—", not "?"
        if (args.length != 4 || !args[0].equals("--conf-dir") || !args[2].equals("--application")
                || !Files.isDirectory(Path.of(args[1]))) {
            System.err.println("baton-yarn kill: usage: --conf-dir DIR --application ID (DIR: the cluster's Hadoop "
                    + "configuration directory), got: " + String.join(" ", args));
            System.exit(2);
        }
        ApplicationId app;
        try {
            app = ApplicationId.fromString(args[3].trim());
        } catch (IllegalArgumentException e) {
            System.err.println("baton-yarn kill: '" + args[3] + "' is not an application id (application_<ts>_<n>)");
            System.exit(2);
            return;
        }
        YarnConfiguration conf = YarnSubmit.configuration(Path.of(args[1]));
        try (YarnClient client = YarnClient.createYarnClient()) {
            client.init(conf);
            client.start();
            client.killApplication(app);
        }
        System.out.println("killed " + app);
    }
}
