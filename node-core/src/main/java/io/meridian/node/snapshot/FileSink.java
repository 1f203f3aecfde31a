package io.meridian.node.snapshot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Writes a snapshot to a temp file in the target's directory on its own thread, then fsyncs
 * it, renames it over the target and fsyncs the directory: a crash at any point leaves either
 * the old file or the new one, never a torn dump.rdb (as Redis's rdbSave does).
 */
public final class FileSink implements SnapshotSink {
    private final Path target;
    private final Path temp;
    private final ExecutorService io;
    private FileChannel ch;
    private Feedback feedback;
    private volatile boolean failed;

    public FileSink(Path target) {
        this.target = target;
        this.temp = target.resolveSibling("temp-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".rdb");
        this.io = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "rdb-file-writer");
            t.setDaemon(true);
            return t;
        });
    }

    public Path target() {
        return target;
    }

    @Override
    public void attach(Feedback feedback) {
        this.feedback = feedback;
        io.execute(() -> {
            try {
                ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
            } catch (IOException e) {
                fail(e);
            }
        });
    }

    @Override
    public void chunk(byte[] bytes) {
        io.execute(() -> {
            if (failed) {
                feedback.consumed(bytes.length);
                return;
            }
            try {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) ch.write(b);
                feedback.consumed(bytes.length);
            } catch (IOException e) {
                feedback.consumed(bytes.length);
                fail(e);
            }
        });
    }

    @Override
    public void end(Throwable error) {
        io.execute(() -> {
            try {
                if (failed) return;
                if (error != null) {
                    closeQuietly();
                    Files.deleteIfExists(temp);
                    feedback.failed(error);
                    return;
                }
                ch.force(true);
                ch.close();
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                syncDirectory(target.toAbsolutePath().getParent());
                feedback.finished();
            } catch (IOException e) {
                fail(e);
            } finally {
                io.shutdown();
            }
        });
    }

    private void fail(IOException e) {
        if (failed) return;
        failed = true;
        closeQuietly();
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // best effort: the temp file has a unique name and is harmless
        }
        feedback.failed(e);
    }

    private void closeQuietly() {
        try {
            if (ch != null) ch.close();
        } catch (IOException ignored) {
            // closing after a failure
        }
    }

    static void syncDirectory(Path dir) {
        if (dir == null) return;
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // some filesystems refuse to fsync a directory; the rename is still atomic
        }
    }
}
