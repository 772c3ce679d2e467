package io.baton.yarn;

import java.io.IOException;
import java.time.Duration;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.security.token.Token;
import org.apache.hadoop.yarn.api.records.ApplicationAttemptId;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.ApplicationSubmissionContext;
import org.apache.hadoop.yarn.api.records.ContainerLaunchContext;
import org.apache.hadoop.yarn.api.records.YarnApplicationAttemptState;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.exceptions.YarnException;
import org.apache.hadoop.yarn.security.AMRMTokenIdentifier;
import org.apache.hadoop.yarn.util.Records;

/**
 * An application whose ApplicationMaster runs in this JVM instead of in a container (YARN's "unmanaged
 * AM"): the client submits it with {@code unmanagedAM = true}, waits until the ResourceManager has made its
 * attempt (LAUNCHED: nothing is launched, the RM only waits for the AM to register), and fetches the
 * attempt's AMRM token. The AM then talks to the RM as {@link #user()}, which carries that token.
 *
 * <p>Used where the AM should be inspectable in-process (tests, the local try-out). An unmanaged AM gets no
 * second attempt: the AM-restart story needs a managed AM.
 *
 * @param application the submitted application
 * @param attempt its attempt, LAUNCHED
 * @param user a user holding the attempt's AMRM token: register with the RM inside its {@code doAs}
 */
public record UnmanagedAttempt(ApplicationId application, ApplicationAttemptId attempt, UserGroupInformation user) {

    /**
     * Submits an unmanaged application named {@code name} to the default queue and waits up to
     * {@code timeout} for its attempt.
     *
     * @throws IOException when the RM refuses it, it ends early, or the attempt is not ready in time
     */
    public static UnmanagedAttempt submit(YarnClient client, String name, Duration timeout)
            throws IOException, InterruptedException {
        try {
            ApplicationSubmissionContext context = client.createApplication().getApplicationSubmissionContext();
            ApplicationId app = context.getApplicationId();
            context.setApplicationName(name);
            context.setApplicationType("BATON");
            context.setUnmanagedAM(true);
            context.setAMContainerSpec(Records.newRecord(ContainerLaunchContext.class));
            client.submitApplication(context);
            ApplicationAttemptId attempt = awaitLaunched(client, app, timeout);
            Token<AMRMTokenIdentifier> token = client.getAMRMToken(app);
            if (token == null) {
                throw new IOException("the ResourceManager gave no AMRM token for " + attempt);
            }
            UserGroupInformation user = UserGroupInformation.createRemoteUser(
                    UserGroupInformation.getCurrentUser().getShortUserName());
            user.addToken(token);
            return new UnmanagedAttempt(app, attempt, user);
        } catch (YarnException e) {
            throw new IOException("could not submit application '" + name + "': " + e.getMessage(), e);
        }
    }

    private static ApplicationAttemptId awaitLaunched(YarnClient client, ApplicationId app, Duration timeout)
            throws IOException, YarnException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no report yet";
        while (System.nanoTime() < deadline) {
            ApplicationReport report = client.getApplicationReport(app);
            YarnApplicationState state = report.getYarnApplicationState();
            if (state == YarnApplicationState.FAILED || state == YarnApplicationState.KILLED
                    || state == YarnApplicationState.FINISHED) {
                throw new IOException("application " + app + " ended as " + state + " before its AM started: "
                        + report.getDiagnostics());
            }
            ApplicationAttemptId attempt = report.getCurrentApplicationAttemptId();
            if (attempt != null) {
                YarnApplicationAttemptState a = client.getApplicationAttemptReport(attempt)
                        .getYarnApplicationAttemptState();
                if (a == YarnApplicationAttemptState.LAUNCHED) {
                    return attempt;
                }
                last = "application " + state + ", attempt " + attempt + " " + a;
            } else {
                last = "application " + state + ", no attempt yet";
            }
            Thread.sleep(50);
        }
        throw new IOException("application " + app + " had no launched attempt within " + timeout.toMillis()
                + " ms (last seen: " + last + ")");
    }
}
