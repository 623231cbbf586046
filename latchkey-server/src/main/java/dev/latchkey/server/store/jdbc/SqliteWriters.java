package dev.latchkey.server.store.jdbc;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Who writes one SQLite file, shared by every process (and every {@link JdbcStores}) that opens it: a small file
 * next to the database, {@code <database>.latchkey-writers}, memory-mapped by each of them.
 *
 * <p>The first opener takes an exclusive lock on it (the running server, as a rule) and becomes the <em>owner</em>:
 * only the owner may keep rows in memory ({@link RowCache}). Every other opener (the operator CLI, an import, a
 * second server, a test reading the file) writes as before but announces each write through two shared counters:
 * {@code writing} (writes in progress) is raised before its transaction and lowered after it, and {@code epoch} is
 * raised after it commits. The owner reads both before trusting its cache: while another process is writing it reads
 * the database, and once the epoch has moved it forgets everything it kept. The counters live in the page cache
 * shared by every process on the machine, so reading them costs a memory load, not a system call.
 *
 * <p>A process killed inside a write (an import stopped with Ctrl-C) leaves {@code writing} raised: the owner then
 * reads the database, never its cache, until it finds out. Each writer also holds a shared lock on a byte of the file
 * for the length of its write, which the operating system drops with the process; an owner that has seen
 * {@code writing} raised for {@link #STUCK_NANOS} takes that byte exclusively when it can (so nobody is inside a
 * write) and lowers the count to zero. The owner's own lock goes the same way when it exits.
 */
final class SqliteWriters implements AutoCloseable {
  private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
  /** Byte offsets of the two counters in the mapped file. */
  private static final int WRITING = 0;
  private static final int EPOCH = 8;
  private static final int SIZE = 16;
  /** The byte the owner locks: past the counters, so that locking it never stops another process mapping them. */
  private static final long OWNER_BYTE = 4096;
  /** The byte every other writer holds shared for the length of a write. */
  private static final long WRITER_BYTE = 4097;
  /** How long {@code writing} may stay raised before the owner checks whether a writer died inside its write. */
  static final long STUCK_NANOS = 5_000_000_000L;
  /**
   * One JVM may open the same file more than once (tests do), and file locks belong to the process: the writes of
   * non-owners, and the owner's check, take turns here so that no two of them lock the writer byte at once.
   */
  private static final java.util.concurrent.locks.ReentrantLock IN_THIS_JVM =
      new java.util.concurrent.locks.ReentrantLock();

  private final FileChannel channel;
  private final MappedByteBuffer counters;
  private final FileLock ownership;
  /** The shared lock on {@link #WRITER_BYTE} while this non-owner writes; only touched holding {@link #IN_THIS_JVM}. */
  private FileLock writerLock;
  /** When the owner first saw {@code writing} raised, or 0; racy by design (a late check costs nothing). */
  private volatile long raisedSince;

  private SqliteWriters(FileChannel channel, MappedByteBuffer counters, FileLock ownership) {
    this.channel = channel;
    this.counters = counters;
    this.ownership = ownership;
  }

  /**
   * The writers file of the SQLite database at {@code database}; this opener owns it when {@code mayOwn} and nobody
   * else does.
   */
  static SqliteWriters open(Path database, boolean mayOwn) throws IOException {
    Path file = database.resolveSibling(database.getFileName() + ".latchkey-writers");
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    try {
      MappedByteBuffer counters = channel.map(FileChannel.MapMode.READ_WRITE, 0, SIZE);
      FileLock lock = null;
      try {
        lock = mayOwn ? channel.tryLock(OWNER_BYTE, 1, false) : null;
      } catch (OverlappingFileLockException e) {
        // another JdbcStores of this JVM owns it
      }
      return new SqliteWriters(channel, counters, lock);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** Whether this opener owns the database (and so may cache its rows). */
  boolean owner() {
    return ownership != null;
  }

  /** Before a write by an opener that does not own the database; {@link #endWrite} must follow on this thread. */
  void beginWrite() {
    IN_THIS_JVM.lock();
    if (IN_THIS_JVM.getHoldCount() > 1) {
      return;  // a write inside a write of this thread: announced once, by the outer one
    }
    try {
      writerLock = channel.lock(WRITER_BYTE, 1, true);
    } catch (IOException | RuntimeException e) {
      IN_THIS_JVM.unlock();
      throw new IllegalStateException("Cannot lock the writers file of the database: " + e.getMessage(), e);
    }
    LONGS.getAndAdd(counters, WRITING, 1L);
  }

  /** After that write, committed or not. */
  void endWrite() {
    if (IN_THIS_JVM.getHoldCount() > 1) {
      IN_THIS_JVM.unlock();
      return;
    }
    try {
      LONGS.getAndAdd(counters, EPOCH, 1L);
      LONGS.getAndAdd(counters, WRITING, -1L);
      writerLock.release();
    } catch (IOException e) {
      // The lock goes with the channel or the process; the counters are right.
    } finally {
      writerLock = null;
      IN_THIS_JVM.unlock();
    }
  }

  /**
   * True when no other opener is inside a write now. The owner asks before every use of its cache; when the answer
   * has been no for {@link #STUCK_NANOS}, it checks whether the writer still lives (see the class comment).
   */
  boolean quiet() {
    if ((long) LONGS.getVolatile(counters, WRITING) == 0) {
      if (raisedSince != 0) {
        raisedSince = 0;  // written only when it changes: this runs on every cached read, on every core
      }
      return true;
    }
    long now = System.nanoTime();
    long since = raisedSince;
    if (since == 0) {
      raisedSince = now;
    } else if (now - since > STUCK_NANOS) {
      raisedSince = now;
      lowerIfNobodyWrites();
    }
    return false;
  }

  /** Lowers {@code writing} to zero if no process holds the writer byte (its writers died inside their writes). */
  private void lowerIfNobodyWrites() {
    if (!IN_THIS_JVM.tryLock()) {
      return;
    }
    try (FileLock all = channel.tryLock(WRITER_BYTE, 1, false)) {
      if (all != null) {
        LONGS.setVolatile(counters, WRITING, 0L);
        // The dead writer may have committed: what the owner kept is forgotten as after any other write.
        LONGS.getAndAdd(counters, EPOCH, 1L);
      }
    } catch (IOException | OverlappingFileLockException e) {
      // Someone is writing after all; asked again later.
    } finally {
      IN_THIS_JVM.unlock();
    }
  }

  /** Raised once after every write by another process. */
  long epoch() {
    return (long) LONGS.getVolatile(counters, EPOCH);
  }

  @Override
  public void close() {
    try {
      if (ownership != null && ownership.isValid()) {
        ownership.release();
      }
      channel.close();
    } catch (IOException e) {
      // Closing: the operating system releases the lock with the process anyway.
    }
  }
}
