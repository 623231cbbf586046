package dev.latchkey.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.model.WireJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * A {@link TokenStore} in one JSON file, replaced atomically (temporary file, fsync, rename). The file holds
 * bearer credentials, so it is created owner-only from the first byte rather than chmod-ed after writing.
 */
final class FileTokenStore implements TokenStore {
  private static final System.Logger LOG = System.getLogger(FileTokenStore.class.getName());
  /** A store file larger than this is not ours (a session and user are a few KiB); it is ignored, not parsed. */
  static final long MAX_FILE_BYTES = 1024 * 1024;

  private final Path path;
  private final Path temp;
  private final ObjectMapper json = WireJson.mapper();

  FileTokenStore(Path path) {
    Path p = expandHome(path);
    if (p.getFileName() == null) {
      throw new IllegalArgumentException("TokenStore.file path is " + path + "; it must name a file");
    }
    this.path = p.toAbsolutePath();
    this.temp = this.path.resolveSibling(this.path.getFileName() + ".tmp");
  }

  private static Path expandHome(Path path) {
    String s = path.toString();
    if (s.equals("~") || s.startsWith("~/")) {
      return Path.of(System.getProperty("user.home"), s.substring(1).replaceFirst("^/", ""));
    }
    return path;
  }

  Path path() {
    return path;
  }

  @Override
  public synchronized StoredSession load() {
    try {
      if (Files.size(path) > MAX_FILE_BYTES) {
        LOG.log(System.Logger.Level.WARNING, "Ignoring the session file " + path + ": larger than " + MAX_FILE_BYTES
            + " bytes");
        return null;
      }
      return json.readValue(Files.readAllBytes(path), StoredSession.class);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException | RuntimeException e) {
      // Only a foreign or hand-edited file gets here (writes are atomic); the user signs in again.
      LOG.log(System.Logger.Level.WARNING, "Ignoring the unreadable session file " + path + ": "
          + e.getClass().getSimpleName());
      return null;
    }
  }

  @Override
  public synchronized void save(StoredSession session) {
    try {
      byte[] bytes = json.writeValueAsBytes(session);
      Path dir = path.getParent();
      if (dir != null && !Files.isDirectory(dir)) {
        Files.createDirectories(dir, ownerOnly(dir, "rwx------"));
      }
      Files.deleteIfExists(temp); // a leftover of a crash mid-write, possibly with other permissions
      try (FileChannel out = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
          ownerOnly(temp, "rw-------"))) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
        out.force(true);
      }
      try {
        Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (FileAlreadyExistsException e) {
      throw new UncheckedIOException("Another process is writing " + temp + "; one client per session file", e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the session file " + path + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void clear() {
    try {
      Files.deleteIfExists(path);
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete the session file " + path + ": " + e.getMessage(), e);
    }
  }

  private static FileAttribute<?>[] ownerOnly(Path p, String permissions) {
    Path existing = p.getParent();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    boolean posix = existing != null
        && Files.getFileAttributeView(existing, java.nio.file.attribute.PosixFileAttributeView.class) != null;
    return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString(permissions))} : new FileAttribute<?>[0];
  }

  @Override
  public String toString() {
    return "TokenStore.file(" + path + ")";
  }
}
