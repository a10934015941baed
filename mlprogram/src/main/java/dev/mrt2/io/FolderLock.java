package dev.mrt2.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps two mrt2 processes from writing one output folder at once: an operating-system lock on a hidden file beside
 * the folder, which holds the owner's pid so that a second writer can name it. The operating system drops the lock
 * when its owner dies, so a killed run never blocks the next one.
 *
 * <p>The file is never deleted: a newcomer may already have it open when the owner deletes it, and would then lock a
 * file without a name while a third process locks a new one. Checking for that would mean opening the file again,
 * and closing any descriptor of a file drops every POSIX lock the process holds on it. So the owner only empties it
 * (through its own channel) when done. For the same reason nothing in the owning process opens it a second time.
 */
public final class FolderLock implements AutoCloseable {
    /** A byte far past the pid text: Windows locks are mandatory, and the pid must stay readable to the second writer. */
    private static final long LOCK_POSITION = Long.MAX_VALUE - 1;
    /**
     * Lock files this JVM holds. Closing any channel of a file drops every POSIX lock the process has on it, so a
     * second thread must not even open the file while the first holds the lock.
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final FileChannel channel;
    private final FileLock lock;
    private final Path key;

    private FolderLock(FileChannel channel, FileLock lock, Path key) {
        this.channel = channel;
        this.lock = lock;
        this.key = key;
    }

    /**
     * Locks {@code lockFile} for {@code folder} (named in the message). When another process holds it, fails with an
     * {@link OutputException}: {@code "<folder>: another mrt2 process (pid N) is writing it; try again when it has
     * finished"}.
     */
    public static FolderLock acquire(Path lockFile, Object folder) {
        Path key = lockFile.toAbsolutePath().normalize();
        if (!HELD.add(key)) {
            throw OutputException.of(folder, "another mrt2 process (pid " + ProcessHandle.current().pid()
                    + ", this one) is writing it; try again when it has finished");
        }
        FileChannel ch = null;
        try {
            ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock = tryLock(ch);
            if (lock == null) {
                throw OutputException.of(folder, "another mrt2 process (" + holder(lockFile)
                        + ") is writing it; try again when it has finished");
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            return new FolderLock(ch, lock, key);
        } catch (IOException e) {
            close(ch);
            HELD.remove(key);
            throw OutputException.cannotWrite(folder, e);
        } catch (RuntimeException e) {
            close(ch);   // in another process than the holder, so its lock stays
            HELD.remove(key);
            throw e;
        }
    }

    /** Empties the lock file (no stale pid) and releases the lock. */
    @Override
    public void close() {
        try {
            channel.truncate(0);
        } catch (IOException ignored) {
            // a stale pid is read only while someone holds the lock, and then it is theirs
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
                String pid = text.strip();
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
        } catch (IOException e) {
            return null;   // not there, or not readable: the pid is then unknown
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
        if (ch == null) {
            return;
        }
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing was written through it that matters
        }
    }
}
