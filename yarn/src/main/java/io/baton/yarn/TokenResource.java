package io.baton.yarn;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.yarn.api.records.LocalResource;
import org.apache.hadoop.yarn.api.records.LocalResourceType;
import org.apache.hadoop.yarn.api.records.LocalResourceVisibility;
import org.apache.hadoop.yarn.api.records.URL;

/**
 * The application's executor token as a file every executor container gets: written once (mode 0600) into
 * the application's staging directory on the cluster's file system, then named as a {@link LocalResource}
 * (visibility APPLICATION) that each NodeManager localizes and links into the container's work directory as
 * {@link ExecutorCommands#TOKEN_LINK}. Neither the command line nor the environment carries the token.
 */
final class TokenResource {
    private TokenResource() {
    }

    /** Writes {@code token} to {@code <stagingDir>/baton.token} and returns the resource naming it. */
    static LocalResource stage(Configuration conf, Path stagingDir, String token) throws IOException {
        FileSystem fs = stagingDir.getFileSystem(conf);
        Path file = fs.makeQualified(new Path(stagingDir, ExecutorCommands.TOKEN_LINK));
        fs.mkdirs(stagingDir, new FsPermission((short) 0700));
        if (holds(fs, file, token)) { // staged by the submitter or an earlier attempt: rewriting it would change its
            return resource(fs, file); // timestamp, and YARN refuses to localize a resource that changed
        }
        try (OutputStream out = fs.create(file, new FsPermission((short) 0600), true, 4096,
                fs.getDefaultReplication(file), fs.getDefaultBlockSize(file), null)) {
            out.write((token + "\n").getBytes(StandardCharsets.UTF_8));
        }
        fs.setPermission(file, new FsPermission((short) 0600)); // create() applies the umask on some file systems
        return resource(fs, file);
    }

    /** An existing file on the cluster's file system as a resource of the application (visibility APPLICATION). */
    static LocalResource resource(FileSystem fs, Path file) throws IOException {
        FileStatus status = fs.getFileStatus(file);
        return LocalResource.newInstance(URL.fromPath(fs.makeQualified(file)), LocalResourceType.FILE,
                LocalResourceVisibility.APPLICATION, status.getLen(), status.getModificationTime());
    }

    private static boolean holds(FileSystem fs, Path file, String token) throws IOException {
        if (!fs.exists(file)) {
            return false;
        }
        try (java.io.InputStream in = fs.open(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().equals(token);
        }
    }
}
