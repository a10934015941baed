package dev.mrt2.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps two mrt2 processes from writing one output folder at once: an operating-system lock on a hidden file beside
 * the folder, which holds the owner's pid so that a second writer can name it. The operating system drops the lock
 * when its owner dies, so a killed run never blocks the next one; the file itself is deleted by the owner when done.
 *
 * <p>Deleting a lock file races with a newcomer that opened it just before: the newcomer would then lock a file that
 * no longer has a name. So after locking, the newcomer checks that the path still holds the token it wrote, and
 * starts over when it does not.
 */
public final class FolderLock implements AutoCloseable {
    /** A byte far past the pid text: Windows locks are mandatory, and the pid must stay readable to the second writer. */
    private static final long LOCK_POSITION = Long.MAX_VALUE - 1;
    private static final int ATTEMPTS = 50;
    /**
     * Lock files this JVM holds. Closing any channel of a file drops every POSIX lock the process has on it, so a
     * second thread must not even open the file while the first holds the lock.
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private Path key;

    private FolderLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code lockFile} for {@code folder} (named in the message). When another process holds it, fails with an
     * {@link OutputException}: {@code "<folder>: another mrt2 process (pid N) is writing it; try again when it has
     * finished"}.
     */
    public static FolderLock acquire(Path lockFile, Object folder) {
        String token = ProcessHandle.current().pid() + " " + System.nanoTime() + "\n";
        Path key = lockFile.toAbsolutePath().normalize();
        if (!HELD.add(key)) {
            throw OutputException.of(folder, "another mrt2 process (pid " + ProcessHandle.current().pid()
                    + ", this one) is writing it; try again when it has finished");
        }
        try {
            FolderLock lock = acquireOnce(lockFile, folder, token);
            lock.key = key;
            return lock;
        } catch (RuntimeException e) {
            HELD.remove(key);
            throw e;
        }
    }

    private static FolderLock acquireOnce(Path lockFile, Object folder, String token) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            FileChannel ch;
            try {
                ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw OutputException.cannotWrite(folder, e);
            }
            FileLock lock;
            try {
                lock = tryLock(ch);
            } catch (IOException e) {
                close(ch);
                throw OutputException.cannotWrite(folder, e);
            }
            if (lock == null) {
                close(ch);
                throw OutputException.of(folder, "another mrt2 process (" + holder(lockFile)
                        + ") is writing it; try again when it has finished");
            }
            try {
                ch.truncate(0);
                ch.write(ByteBuffer.wrap(token.getBytes(StandardCharsets.US_ASCII)), 0);
                if (token.equals(read(lockFile))) {
                    return new FolderLock(lockFile, ch, lock);
                }
            } catch (IOException e) {
                release(lock, ch);
                throw OutputException.cannotWrite(folder, e);
            }
            release(lock, ch);   // we locked a file its owner just deleted: start over with the current one
        }
        throw OutputException.of(folder, "cannot take the lock " + lockFile + " (it keeps changing hands)");
    }

    /** Deletes the lock file and releases the lock. */
    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // an undeletable lock file is harmless: the next writer locks it again
        }
        release(lock, channel);
        HELD.remove(key);
    }

    private static FileLock tryLock(FileChannel ch) throws IOException {
        try {
            return ch.tryLock(LOCK_POSITION, 1, false);
        } catch (OverlappingFileLockException sameProcess) {
            return null;   // HELD makes this unreachable; kept so a stray lock elsewhere in the JVM reads as "busy"
        }
    }

    /** "pid 1234", from the lock file; the owner may not have written it yet. */
    private static String holder(Path lockFile) {
        for (int i = 0; i < 20; i++) {
            String text = read(lockFile);
            if (text != null && text.endsWith("\n")) {
                String pid = text.substring(0, Math.max(0, text.indexOf(' ')));
                if (!pid.isEmpty() && pid.chars().allMatch(Character::isDigit)) {
                    return "pid " + pid;
                }
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return "pid unknown";
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    private static void release(FileLock lock, FileChannel ch) {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        close(ch);
    }

    private static void close(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing was written through it that matters
        }
    }
}
