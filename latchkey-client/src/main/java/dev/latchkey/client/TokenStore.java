package dev.latchkey.client;

import java.nio.file.Path;

/**
 * Where the client keeps the session between runs. Implementations must be thread-safe; the client calls them from
 * its listener thread, one call at a time, always with the latest state. Failures are logged and do not change the
 * in-memory session.
 *
 * <pre>{@code
 * TokenStore.inMemory()                 // default: forgotten when the app exits
 * TokenStore.file(Path.of(System.getProperty("user.home"), ".myapp", "session"))
 *                                        // a file only the user can read, written atomically
 * new MyEncryptedPrefsStore(context)     // Android: implement the three methods
 * }</pre>
 */
public interface TokenStore {

  /** The stored session, or null when there is none or it cannot be read. Never throws for a corrupt store. */
  StoredSession load();

  /** Replaces the stored session. */
  void save(StoredSession session);

  /** Removes the stored session (signed out). */
  void clear();

  /** A store that keeps nothing across runs. */
  static TokenStore inMemory() {
    return new InMemoryTokenStore();
  }

  /**
   * A file store: JSON written to a temporary file in the same directory, flushed to disk and renamed over {@code
   * path} in one atomic step, so a crash leaves either the old or the new file and never a torn one (a leftover
   * temporary file is ignored and overwritten). On POSIX file systems the file is created with owner-only
   * permissions ({@code rw-------}) and a missing directory with {@code rwx------}. Java does not expand {@code ~}
   * in a {@link Path}; this store does take a leading {@code ~/} (written with {@code /}) as the user's home
   * directory, but {@code Path.of(System.getProperty("user.home"), ...)} says so on every platform.
   */
  static TokenStore file(Path path) {
    return new FileTokenStore(path);
  }
}
