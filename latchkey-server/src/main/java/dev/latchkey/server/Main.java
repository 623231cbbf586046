package dev.latchkey.server;

import dev.latchkey.server.store.jdbc.JdbcStores;

import dev.latchkey.server.config.ConfigException;
import dev.latchkey.server.config.DatabaseUrl;
import dev.latchkey.server.config.Setting;
import dev.latchkey.server.config.Settings;
import dev.latchkey.server.config.SettingsCatalog;
import dev.latchkey.server.crypto.Ids;
import dev.latchkey.server.crypto.KeyEncryption;
import dev.latchkey.server.keys.KeyRing;
import dev.latchkey.server.store.ProjectRecord;
import dev.latchkey.server.store.Stores;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code latchkey} command line: {@code serve}, {@code keys rotate}, {@code migrate}, {@code import},
 * {@code admin create}, the operator's {@code users}, {@code sessions} and {@code export}, and {@code completion}.
 * Settings come from the environment.
 */
@Command(name = "latchkey", mixinStandardHelpOptions = true, version = "latchkey 0.1.0",
    description = "Self-hosted session management that speaks Stytch's Sessions API.%n"
        + "Settings come from LATCHKEY_* environment variables (see the README).",
    subcommands = {Main.Serve.class, Main.Keys.class, MigrateCommand.class, ImportCommand.class, AdminCommand.class,
        UsersCommand.class, SessionsCommand.class, ExportCommand.class, Main.Completion.class,
        CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {
  /** Exit code for a bad setting, so scripts can tell it from a crash. */
  static final int EXIT_CONFIG = 2;
  /** Width of the settings list in {@code serve --help}, picocli's default usage width. */
  private static final int HELP_WIDTH = 80;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    // QR codes are drawn into images for TOTP registration; a server never opens a window.
    System.setProperty("java.awt.headless", "true");
    int code = commandLine()
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          cmd.getErr().println("latchkey: " + e.getMessage());
          return e instanceof ConfigException || e instanceof KeyEncryption.KeyUnavailableException ? EXIT_CONFIG : 1;
        })
        .execute(args);
    if (code != 0 || !Serve.running) {
      System.exit(code);
    }
  }

  /** The command line, with every setting listed at the end of {@code serve --help}. */
  static CommandLine commandLine() {
    CommandLine cmd = new CommandLine(new Main());
    cmd.getSubcommands().get("serve").getCommandSpec().usageMessage()
        .footerHeading("%nSettings, from LATCHKEY_* environment variables or the properties file named by "
            + "LATCHKEY_CONFIG_FILE (the environment wins):%n")
        .footer(settingsHelp().toArray(String[]::new));
    return cmd;
  }

  /** Each setting of {@link SettingsCatalog#ALL}: its name and default, then its meaning and range, indented. */
  static List<String> settingsHelp() {
    List<String> lines = new ArrayList<>();
    for (Setting<?> setting : SettingsCatalog.ALL) {
      lines.add("  " + setting.name() + "  Default: " + setting.documentedDefault());
      StringBuilder line = new StringBuilder("     ");
      for (String word : setting.description().split(" ")) {
        if (line.length() + 1 + word.length() > HELP_WIDTH && line.length() > 5) {
          lines.add(line.toString());
          line = new StringBuilder("     ");
        }
        line.append(' ').append(word);
      }
      lines.add(line.toString());
    }
    // picocli formats each line with String.format.
    return lines.stream().map(l -> l.replace("%", "%%")).toList();
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  /** True for a SQLite file that does not exist: opening it would create an empty database as a side effect. */
  static boolean isMissingSqliteFile(String jdbcUrl) {
    if (!jdbcUrl.startsWith("jdbc:sqlite:")) {
      return false;
    }
    String path = jdbcUrl.substring("jdbc:sqlite:".length());
    int query = path.indexOf('?');
    path = query < 0 ? path : path.substring(0, query);
    return !path.isEmpty() && !path.startsWith(":") && !path.startsWith("file:")
        && !java.nio.file.Files.exists(java.nio.file.Path.of(path));
  }

  @Command(name = "serve", mixinStandardHelpOptions = true,
      description = "Run the server in the foreground until SIGTERM or Ctrl-C.%n"
          + "On a fresh data directory it creates the project and prints its credentials once.")
  static final class Serve implements Callable<Integer> {
    static volatile boolean running;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
      Settings settings = Settings.load(System.getenv());
      Logs.useFormat(settings.logFormat());
      LatchkeyServer server = LatchkeyServer.start(settings, Clock.systemUTC());
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        server.stop();
        stopped.countDown();
      }, "latchkey-shutdown"));
      printBanner(spec.commandLine().getOut(), server);
      running = true;
      stopped.await();
      return 0;
    }

    private static void printBanner(PrintWriter out, LatchkeyServer server) {
      ProjectRecord p = server.project();
      out.println();
      out.println("Latchkey is running at " + server.baseUrl());
      out.println("  project_id:   " + p.projectId());
      out.println("  secret:       " + server.generatedSecret()
          .map(s -> s + "   <- shown once: it is stored hashed. Keep it, or set LATCHKEY_SECRET.")
          .orElse(server.createdProject() ? "(from LATCHKEY_SECRET)"
              : "(set when the project was created; stored hashed, not shown again; set LATCHKEY_SECRET to "
                  + "replace it)"));
      out.println("  public_token: " + p.publicToken());
      out.println("Try: curl -u '" + p.projectId() + ":<secret>' " + server.baseUrl() + "/v1/sessions/jwks/"
          + p.projectId());
      out.println();
      out.flush();
    }
  }

  @Command(name = "keys", mixinStandardHelpOptions = true, description = "Manage the JWT signing keys.",
      subcommands = {Keys.Rotate.class, CommandLine.HelpCommand.class})
  static final class Keys implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().usage(spec.commandLine().getOut());
      return 0;
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
        description = "Create a new signing key and sign new JWTs with it. The old key stays in the JWKS and keeps "
            + "verifying for LATCHKEY_KEY_RETENTION (default 1h). Works while the server is stopped; a running "
            + "server picks the new key up within LATCHKEY_KEY_REFRESH_INTERVAL.")
    static final class Rotate implements Callable<Integer> {
      @CommandLine.Spec
      CommandLine.Model.CommandSpec spec;

      @Override
      public Integer call() {
        Settings settings = Settings.load(System.getenv());
        ConfigException noProject = new ConfigException(
            "There is no project in " + DatabaseUrl.redact(settings.databaseUrl())
                + " yet: run 'latchkey serve' once first");
        if (isMissingSqliteFile(settings.databaseUrl())) {
          // Opening would fail on a missing directory, or leave an empty database behind in an existing one.
          throw noProject;
        }
        try (Stores stores = JdbcStores.openAsTool(settings.databaseUrl(), settings.databaseTimeout(),
            settings.databasePoolSize())) {
          ProjectRecord project = stores.project().get().orElseThrow(() -> noProject);
          KeyRing keys = new KeyRing(stores.keys(), new KeyEncryption(settings.keyEncryptionKey()),
              Ids.forProject(project.projectId()), Clock.systemUTC(), settings.keyRetention());
          keys.refresh();
          String kid = keys.rotate();
          spec.commandLine().getOut().println("New signing key " + kid + "; previous keys stay in the JWKS for "
              + settings.keyRetention() + ".");
        }
        return 0;
      }
    }
  }

  @Command(name = "completion", mixinStandardHelpOptions = true,
      description = "Print a completion script for bash (zsh reads it too, after 'autoload -U bashcompinit && "
          + "bashcompinit'). Try: source <(bin/latchkey completion)")
  static final class Completion implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().getOut().print(picocli.AutoComplete.bash("latchkey", spec.root().commandLine()));
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
