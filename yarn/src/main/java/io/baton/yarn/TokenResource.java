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
        try (OutputStream out = fs.create(file, new FsPermission((short) 0600), true, 4096,
                fs.getDefaultReplication(file), fs.getDefaultBlockSize(file), null)) {
            out.write((token + "\n").getBytes(StandardCharsets.UTF_8));
        }
        fs.setPermission(file, new FsPermission((short) 0600)); // create() applies the umask on some file systems
        FileStatus status = fs.getFileStatus(file);
        return LocalResource.newInstance(URL.fromPath(file), LocalResourceType.FILE,
                LocalResourceVisibility.APPLICATION, status.getLen(), status.getModificationTime());
    }
}
