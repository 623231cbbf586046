package dev.latchkey.server;

import dev.latchkey.model.AuthenticationFactor;
import dev.latchkey.server.config.ConfigException;
import dev.latchkey.server.config.Settings;
import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.store.SessionRecord;
import dev.latchkey.server.store.UserRecord;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code latchkey sessions list|revoke}: a user's live sessions, and revoking one or all of them, through the same
 * store as {@code POST /v1/sessions/revoke} (each revoke writes its {@code session.revoked} event, which running nodes
 * stream to backends that verify JWTs locally). Session tokens are stored only as hashes, so none is ever shown.
 */
@Command(name = "sessions", mixinStandardHelpOptions = true,
    description = "List and revoke sessions in the configured database (the same settings as 'serve').",
    subcommands = {SessionsCommand.ListSessions.class, SessionsCommand.Revoke.class, CommandLine.HelpCommand.class})
final class SessionsCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List a user's live sessions, newest first.")
  static final class ListSessions implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--user", required = true, paramLabel = "<email|user_id|external_id>",
        description = "Whose sessions.")
    String user;

    @Override
    public Integer call() {
      return list(Settings.load(System.getenv()), user, spec.commandLine().getOut());
    }
  }

  static int list(Settings settings, String user, PrintWriter out) {
    try (OperatorDatabase db = OperatorDatabase.open(settings)) {
      UserRecord u = UsersCommand.find(db, user);
      List<SessionRecord> sessions = db.stores.sessions().listActive(u.userId(), db.clock.instant());
      out.printf("%-48s %-24s %-24s %-24s %-15s %-14s %s%n", "SESSION_ID", "STARTED_AT", "LAST_ACCESSED_AT",
          "EXPIRES_AT", "IP_ADDRESS", "FACTORS", "USER_AGENT");
      for (SessionRecord s : sessions) {
        out.printf("%-48s %-24s %-24s %-24s %-15s %-14s %s%n", s.sessionId(), s.startedAt(), s.lastAccessedAt(),
            s.expiresAt(), orDash(s.attributes() == null ? null : s.attributes().ipAddress()),
            s.factors().stream().map(AuthenticationFactor::type).distinct().collect(Collectors.joining(",")),
            orDash(s.attributes() == null ? null : s.attributes().userAgent()));
      }
      out.println(sessions.size() + " live session" + (sessions.size() == 1 ? "" : "s") + " of user " + u.userId());
      out.flush();
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = "Revoke one session by its id, or every session of a user with --user and --all.")
  static final class Revoke implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "<session_id>", description = "The session to revoke.")
    String sessionId;

    @Option(names = "--user", paramLabel = "<email|user_id|external_id>",
        description = "With --all: whose sessions to revoke.")
    String user;

    @Option(names = "--all", description = "Revoke every session of --user.")
    boolean all;

    @Override
    public Integer call() {
      return revoke(Settings.load(System.getenv()), sessionId, user, all, spec.commandLine().getOut());
    }
  }

  /** Exactly one of a session id, or {@code --user} with {@code --all}. */
  static int revoke(Settings settings, String sessionId, String user, boolean all, PrintWriter out) {
    if ((sessionId == null) == (user == null) || (user != null) != all) {
      throw new ConfigException("Name one session (latchkey sessions revoke <session_id>) or every session of a "
          + "user (latchkey sessions revoke --user <id> --all)");
    }
    try (OperatorDatabase db = OperatorDatabase.open(settings)) {
      if (sessionId != null) {
        if (!sessionId.startsWith("session-")) {
          throw ErrorCode.INVALID_SESSION_ID.exception();
        }
        if (!db.stores.sessions().delete(sessionId)) {
          throw ErrorCode.SESSION_NOT_FOUND.exception("No session " + sessionId + " (revoked, expired or never "
              + "there)");
        }
        out.println("Revoked session " + sessionId + ".");
      } else {
        UserRecord u = UsersCommand.find(db, user);
        int revoked = db.stores.sessions().deleteForUser(u.userId(), null);
        out.println("Revoked " + revoked + " session" + (revoked == 1 ? "" : "s") + " of user " + u.userId() + ".");
      }
      out.flush();
      return 0;
    }
  }

  private static String orDash(String s) {
    return s == null || s.isEmpty() ? "-" : s;
  }
}
