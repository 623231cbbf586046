package dev.latchkey.server;

import dev.latchkey.server.admin.AdminAccounts;
import dev.latchkey.server.config.ConfigException;
import dev.latchkey.server.config.DatabaseUrl;
import dev.latchkey.server.config.Settings;
import dev.latchkey.server.factor.password.HashingPool;
import dev.latchkey.server.factor.password.PasswordHasher;
import dev.latchkey.server.store.Stores;
import dev.latchkey.server.store.jdbc.JdbcStores;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code latchkey admin create}: an admin of the admin console, stored with its Argon2id hash. */
@Command(name = "admin", mixinStandardHelpOptions = true,
    description = "Manage who may sign in to the admin console (/admin, served when LATCHKEY_ADMIN_ENABLED=true).",
    subcommands = {AdminCommand.Create.class, CommandLine.HelpCommand.class})
final class AdminCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Create an admin, or give an existing one a new password (which signs it out everywhere). The "
          + "password is asked twice on the terminal, or read as one line from standard input with "
          + "--password-stdin; it must have at least 12 characters and be hard to guess (zxcvbn score 3 or more).")
  static final class Create implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--name", required = true, paramLabel = "NAME",
        description = "The admin's sign-in name: a-z, 0-9, '.', '_', '-' (not 'admin', which LATCHKEY_ADMIN_PASSWORD "
            + "sets).")
    String name;

    @CommandLine.Option(names = "--password-stdin",
        description = "Read the password as one line from standard input instead of asking on the terminal.")
    boolean passwordStdin;

    @Override
    public Integer call() throws IOException {
      Settings settings = Settings.load(System.getenv());
      if (Main.isMissingSqliteFile(settings.databaseUrl())) {
        throw new ConfigException("There is no Latchkey database in " + DatabaseUrl.redact(settings.databaseUrl())
            + " yet: run 'latchkey serve' once first");
      }
      String password = readPassword();
      boolean created;
      try (HashingPool hashing = new HashingPool(1, 0);
          Stores stores = JdbcStores.open(settings.databaseUrl(), settings.databaseTimeout(),
              settings.databasePoolSize())) {
        PasswordHasher hasher = new PasswordHasher(settings.argon2MemoryKib(), settings.argon2Iterations(),
            settings.argon2Parallelism(), hashing);
        created = AdminAccounts.create(stores.admins(), hasher, name, password, Clock.systemUTC());
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println("latchkey: " + e.getMessage());
        return Main.EXIT_CONFIG;
      }
      spec.commandLine().getOut().println((created ? "Created the admin " : "Set a new password for the admin ")
          + name + (settings.admin().enabled() ? "." : ". The console is off: set LATCHKEY_ADMIN_ENABLED=true to "
          + "serve it at /admin."));
      return 0;
    }

    private String readPassword() throws IOException {
      java.io.Console console = System.console();
      if (!passwordStdin) {
        if (console == null) {
          throw new ConfigException("No terminal to ask for the password on: pass --password-stdin and pipe it");
        }
        char[] first = console.readPassword("Password for %s: ", name);
        char[] again = console.readPassword("Again: ");
        if (first == null || again == null || !java.util.Arrays.equals(first, again)) {
          throw new ConfigException("The two passwords differ: nothing was changed");
        }
        return new String(first);
      }
      String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      if (line == null || line.isEmpty()) {
        throw new ConfigException("No password on standard input: pipe one line, e.g. "
            + "printf '%s\\n' \"$PASSWORD\" | latchkey admin create --password-stdin --name " + name);
      }
      return line;
    }
  }
}
