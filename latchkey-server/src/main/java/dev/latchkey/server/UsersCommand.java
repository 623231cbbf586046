package dev.latchkey.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.latchkey.model.WireJson;
import dev.latchkey.server.config.ConfigException;
import dev.latchkey.server.config.Settings;
import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.store.UserRecord;
import dev.latchkey.server.store.UserSearch;
import dev.latchkey.server.user.EmailAddresses;
import dev.latchkey.server.user.UserService;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code latchkey users list|find|delete}: the users of the configured database, for an operator at a terminal. It
 * reads and writes through the same stores as the API ({@code delete} is {@code DELETE /v1/users/{id}}: the user's
 * sessions are revoked with their events, then {@code user.deleted}). Nothing secret is printed: users carry no
 * secrets on the wire (a password appears as its id).
 */
@Command(name = "users", mixinStandardHelpOptions = true,
    description = "List, find and delete users in the configured database (the same settings as 'serve').",
    subcommands = {UsersCommand.ListUsers.class, UsersCommand.Find.class, UsersCommand.Delete.class,
        CommandLine.HelpCommand.class})
final class UsersCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List users, oldest first, a page at a time. The page ends with the command for the next one.")
  static final class ListUsers implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--limit", defaultValue = "100", paramLabel = "<n>",
        description = "Users per page, 1..1000. Default: ${DEFAULT-VALUE}.")
    int limit;

    @Option(names = "--after", paramLabel = "<user_id>",
        description = "Start after this user (the last one of the previous page).")
    String after;

    @Option(names = "--json", description = "One user a line, as the API's user object, instead of a table.")
    boolean json;

    @Override
    public Integer call() {
      return list(Settings.load(System.getenv()), limit, after, json, spec.commandLine().getOut());
    }
  }

  /** Prints one page; 0. */
  static int list(Settings settings, int limit, String after, boolean json, PrintWriter out) {
    if (limit < 1 || limit > 1000) {
      throw new ConfigException("--limit must be between 1 and 1000");
    }
    try (OperatorDatabase db = OperatorDatabase.open(settings)) {
      UserSearch.Position from = null;
      if (after != null) {
        UserRecord u = db.users.get(after);
        from = new UserSearch.Position(u.createdAt(), u.userId());
      }
      UserSearch.Page page = db.users.search(new UserSearch(true, List.of(), limit, from));
      if (json) {
        page.results().forEach(u -> out.println(wire(u)));
      } else {
        out.printf("%-44s %-8s %-24s %-20s %s%n", "USER_ID", "STATUS", "CREATED_AT", "EXTERNAL_ID", "EMAILS");
        for (UserRecord u : page.results()) {
          out.printf("%-44s %-8s %-24s %-20s %s%n", u.userId(), u.status(), u.createdAt(),
              u.externalId() == null ? "-" : u.externalId(), u.emails().stream()
                  .map(e -> e.email() + (e.verified() ? "" : " (unverified)")).collect(Collectors.joining(", ")));
        }
        out.println(page.results().size() + " of " + page.total() + " users"
            + (page.next() == null ? "." : "; next page: latchkey users list --limit " + limit + " --after "
                + page.next().userId()));
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "find", mixinStandardHelpOptions = true,
      description = "Show one user, found by email address, user_id or external_id, as the API's user object.")
  static final class Find implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "<email|user_id|external_id>", description = "Who to find.")
    String who;

    @Override
    public Integer call() {
      try (OperatorDatabase db = OperatorDatabase.open(Settings.load(System.getenv()))) {
        spec.commandLine().getOut().println(pretty(find(db, who)));
        return 0;
      }
    }
  }

  /** By email when it has an '@', else by user_id or external_id; {@code user_not_found} otherwise. */
  static UserRecord find(OperatorDatabase db, String who) {
    if (who.contains("@")) {
      return db.stores.users().findByEmail(EmailAddresses.normalize(who))
          .orElseThrow(() -> ErrorCode.USER_NOT_FOUND.exception("No user has the email address " + who.strip()));
    }
    return db.users.get(who);
  }

  @Command(name = "delete", mixinStandardHelpOptions = true,
      description = "Delete a user with its email addresses, password, factors and sessions (each session revoked "
          + "with its event). Asks for confirmation on a terminal unless --yes.")
  static final class Delete implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "<email|user_id|external_id>", description = "Who to delete.")
    String who;

    @Option(names = "--yes", description = "Do not ask; required when there is no terminal.")
    boolean yes;

    @Override
    public Integer call() {
      return delete(Settings.load(System.getenv()), who, yes ? () -> true : Delete::confirmOnTerminal,
          spec.commandLine().getOut());
    }

    private static boolean confirmOnTerminal() {
      java.io.Console console = System.console();
      if (console == null) {
        throw new ConfigException("No terminal to confirm on: pass --yes to delete without asking");
      }
      String answer = console.readLine("Delete this user? This cannot be undone. [y/N] ");
      return answer != null && (answer.strip().equalsIgnoreCase("y") || answer.strip().equalsIgnoreCase("yes"));
    }
  }

  /** Shows who is about to go, asks {@code confirm}, deletes; 0 when deleted, 1 when not confirmed. */
  static int delete(Settings settings, String who, BooleanSupplier confirm, PrintWriter out) {
    try (OperatorDatabase db = OperatorDatabase.open(settings)) {
      UserRecord u = find(db, who);
      int sessions = db.stores.sessions().listActive(u.userId(), db.clock.instant()).size();
      out.println("User " + u.userId() + " (" + u.emails().stream().map(UserRecord.StoredEmail::email)
          .collect(Collectors.joining(", ")) + "), " + sessions + " live session" + (sessions == 1 ? "" : "s"));
      out.flush();
      if (!confirm.getAsBoolean()) {
        out.println("Nothing was deleted.");
        out.flush();
        return 1;
      }
      db.users.delete(u.userId());
      out.println("Deleted user " + u.userId() + " and revoked its " + sessions + " live session"
          + (sessions == 1 ? "" : "s") + ".");
      out.flush();
      return 0;
    }
  }

  static String wire(UserRecord u) {
    try {
      return WireJson.mapper().writeValueAsString(UserService.toWire(u));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String pretty(UserRecord u) {
    try {
      return WireJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(UserService.toWire(u));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
