package dev.latchkey.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.model.WireJson;
import dev.latchkey.server.config.ConfigException;
import dev.latchkey.server.config.Settings;
import dev.latchkey.server.factor.password.LegacyHash;
import dev.latchkey.server.store.UserRecord;
import dev.latchkey.server.store.UserSearch;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code latchkey export --to users.jsonl}: every user with a password, one {@code POST /v1/passwords/migrate} body a
 * line, the format {@code latchkey import} (and Stytch's migrate call) reads, so a deployment can be moved or
 * restored user by user. Latchkey's own hashes are exported as {@code argon_2id} PHC strings; hashes imported earlier
 * and not yet upgraded at a sign-in are exported as they were imported. The file holds password hashes: it is created
 * readable by its owner only, and never overwritten.
 *
 * <p>What the format cannot carry is counted, not silently dropped: users without a password (the body needs a hash),
 * users without an email address, and every address but the first (a body has one {@code email}); the summary says
 * how many of each. TOTPs, passkeys, OAuth links and sessions are not exported.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Export users with their password hashes as JSON lines (one POST /v1/passwords/migrate body a "
        + "line), the format 'latchkey import' reads. The file is created readable by its owner only.")
final class ExportCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = WireJson.mapper();
  private static final int PAGE = 1000;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--to", required = true, paramLabel = "<users.jsonl>",
      description = "The file to write; it must not exist yet.")
  Path to;

  /** What one export wrote and what it could not. */
  record Summary(long users, long exported, long withoutPassword, long withoutEmail, long extraEmails) {}

  @Override
  public Integer call() {
    Summary s = run(Settings.load(System.getenv()), to, spec.commandLine().getErr());
    PrintWriter out = spec.commandLine().getOut();
    out.println("Exported " + s.exported() + " of " + s.users() + " users to " + to + ".");
    if (s.withoutPassword() > 0) {
      out.println("  not exported: " + s.withoutPassword() + " without a password (the import format needs a hash; "
          + "they can sign in again with another factor)");
    }
    if (s.withoutEmail() > 0) {
      out.println("  not exported: " + s.withoutEmail() + " without an email address");
    }
    if (s.extraEmails() > 0) {
      out.println("  left out: " + s.extraEmails() + " email addresses besides each user's first");
    }
    out.println("The file holds password hashes: keep it as secret as the database.");
    out.flush();
    return 0;
  }

  static Summary run(Settings settings, Path to, PrintWriter progress) {
    try (OperatorDatabase db = OperatorDatabase.open(settings);
        BufferedWriter w = create(to)) {
      long users = 0;
      long exported = 0;
      long withoutPassword = 0;
      long withoutEmail = 0;
      long extraEmails = 0;
      long started = System.nanoTime();
      UserSearch.Position after = null;
      long total = -1;
      do {
        UserSearch.Page page = db.users.search(new UserSearch(true, List.of(), PAGE, after));
        if (total < 0) {
          total = page.total();
        }
        for (UserRecord u : page.results()) {
          users++;
          if (u.emails().isEmpty()) {
            withoutEmail++;
          } else if (u.password() == null) {
            withoutPassword++;
          } else {
            extraEmails += u.emails().size() - 1;
            w.write(JSON.writeValueAsString(body(u)));
            w.newLine();
            exported++;
          }
        }
        after = page.next();
        progress.print("\r" + ImportCommand.bar(users, Math.max(total, users), started, users)
            .replace(" lines", " users"));
        progress.flush();
      } while (after != null);
      progress.println();
      progress.flush();
      return new Summary(users, exported, withoutPassword, withoutEmail, extraEmails);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The migrate body of a user with an email and a password. */
  static Map<String, Object> body(UserRecord u) {
    Map<String, Object> b = new LinkedHashMap<>();
    UserRecord.StoredEmail email = u.emails().get(0);
    b.put("email", email.email());
    String hash = u.password().hash();
    if (LegacyHash.isLegacy(hash)) {
      b.putAll(LegacyHash.decode(hash).migrateFields());
    } else {
      // Latchkey's own: an encoded $argon2id$v=19$m=...,t=...,p=...$salt$hash string, which migrate takes as is.
      b.put("hash_type", "argon_2id");
      b.put("hash", hash);
    }
    b.put("set_email_verified", email.verified());
    if (u.name() != null) {
      b.put("name", u.name());
    }
    if (u.externalId() != null) {
      b.put("external_id", u.externalId());
    }
    if (u.trustedMetadata() != null && !u.trustedMetadata().isEmpty()) {
      b.put("trusted_metadata", u.trustedMetadata());
    }
    if (u.untrustedMetadata() != null && !u.untrustedMetadata().isEmpty()) {
      b.put("untrusted_metadata", u.untrustedMetadata());
    }
    return b;
  }

  /** A new file readable by its owner only (where the file system has POSIX permissions); never an existing one. */
  private static BufferedWriter create(Path to) throws IOException {
    try {
      try {
        Files.createFile(to, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(to);
      }
    } catch (FileAlreadyExistsException e) {
      throw new ConfigException("--to " + to + " exists already: export writes a new file, never over another");
    } catch (java.nio.file.NoSuchFileException e) {
      throw new ConfigException("--to " + to + ": its directory does not exist");
    }
    return Files.newBufferedWriter(to, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
  }
}
