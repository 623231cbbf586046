package dev.latchkey.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.model.PasswordMigrateRequest;
import dev.latchkey.model.WireJson;
import dev.latchkey.server.config.ConfigException;
import dev.latchkey.server.config.DatabaseUrl;
import dev.latchkey.server.config.Settings;
import dev.latchkey.server.crypto.Ids;
import dev.latchkey.server.error.ApiException;
import dev.latchkey.server.factor.password.PasswordMigration;
import dev.latchkey.server.store.ProjectRecord;
import dev.latchkey.server.store.jdbc.JdbcStores;
import dev.latchkey.server.store.jdbc.JdbcUserImport;
import dev.latchkey.server.user.UserService;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code latchkey import --from users.jsonl}: users with their password hashes from another system, one
 * {@code POST /v1/passwords/migrate} body per line, written straight to the configured database (the same settings as
 * {@code serve}) in batches. Each batch commits with a checkpoint of the input (by the SHA-256 of its bytes), so a
 * rerun after a crash resumes after the last committed line, and a rerun of a finished input does nothing; the writes
 * themselves are idempotent too ({@link JdbcUserImport}), so a changed input imported again creates no duplicate.
 * Hashes are only checked for form here; the work of hashing happens at each user's first sign-in.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
    description = "Import users with their password hashes (one POST /v1/passwords/migrate body per line) into the "
        + "configured database. Resumable: rerun the same command after a crash. See docs/migrating.md.")
final class ImportCommand implements Callable<Integer> {
  private static final int BAR_WIDTH = 30;
  private static final ObjectMapper JSON = WireJson.mapper();
  /** Longest line read; a longer one is refused (the HTTP endpoint's body limit is 1 MiB too). */
  private static final int MAX_LINE = 1 << 20;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--from", required = true, paramLabel = "<users.jsonl>",
      description = "The input: UTF-8 text, one JSON object per line, each a POST /v1/passwords/migrate body.")
  Path from;

  @Option(names = "--batch-size", defaultValue = "1000", paramLabel = "<n>",
      description = "Users written per transaction (and per checkpoint), 1..10000. Default: ${DEFAULT-VALUE}.")
  int batchSize;

  @Option(names = "--max-lines", paramLabel = "<n>",
      description = "Stop after this many more lines (rerun to go on): to import a large file in slices.")
  Long maxLines;

  /** What one run did. */
  record Summary(long firstLine, long lastLine, long totalLines, long imported, long updated, long unchanged,
      List<String> refused, boolean finished) {}

  @Override
  public Integer call() {
    Summary s = run(Settings.load(System.getenv()), from, batchSize, maxLines, spec.commandLine().getErr());
    PrintWriter out = spec.commandLine().getOut();
    print(s, out);
    out.flush();
    return 0;
  }

  static void print(Summary s, PrintWriter out) {
    if (s.firstLine() > s.lastLine()) {
      out.println("Nothing to import: lines 1.." + s.totalLines() + " were imported by an earlier run.");
      return;
    }
    out.println("Lines " + s.firstLine() + ".." + s.lastLine() + " of " + s.totalLines() + ": imported "
        + s.imported() + ", updated " + s.updated() + ", unchanged " + s.unchanged() + ", refused "
        + s.refused().size() + ".");
    s.refused().forEach(r -> out.println("  refused " + r));
    if (!s.finished()) {
      out.println("Stopped after line " + s.lastLine() + " (--max-lines): rerun the same command to go on.");
    }
  }

  /**
   * Imports {@code input} into the database of {@code settings}, from the line after its checkpoint; the progress bar
   * goes to {@code progress}.
   */
  static Summary run(Settings settings, Path input, int batchSize, Long maxLines, PrintWriter progress) {
    if (batchSize < 1 || batchSize > 10_000) {
      throw new ConfigException("--batch-size must be between 1 and 10000");
    }
    if (maxLines != null && maxLines < 1) {
      throw new ConfigException("--max-lines must be at least 1");
    }
    if (!Files.isRegularFile(input)) {
      throw new ConfigException("--from " + input + ": there is no such file");
    }
    ConfigException noProject = new ConfigException("There is no project in "
        + DatabaseUrl.redact(settings.databaseUrl()) + " yet: run 'latchkey serve' once first");
    if (Main.isMissingSqliteFile(settings.databaseUrl())) {
      throw noProject;
    }
    long[] sized = scan(input);
    long totalLines = sized[0];
    String key = HexFormat.of().formatHex(digest(input));
    try (JdbcStores stores = JdbcStores.openAsTool(settings.databaseUrl(), settings.databaseTimeout(), 2)) {
      ProjectRecord project = stores.project().get().orElseThrow(() -> noProject);
      Ids ids = Ids.forProject(project.projectId());
      Clock clock = Clock.systemUTC();
      UserService users = new UserService(stores.users(), ids, clock);
      JdbcUserImport importer = new JdbcUserImport(stores);
      long done = importer.checkpoint(key).map(JdbcUserImport.Checkpoint::lastLine).orElse(0L);
      long stopAt = maxLines == null ? Long.MAX_VALUE : done + maxLines;
      long[] counts = new long[JdbcUserImport.Result.values().length];
      List<String> refused = new ArrayList<>();
      long line = 0;
      long started = System.nanoTime();
      try (BufferedReader reader = reader(input)) {
        List<JdbcUserImport.Row> batch = new ArrayList<>(batchSize);
        long refusedInBatch = 0;
        String text;
        while (line < stopAt && (text = reader.readLine()) != null) {
          line++;
          if (line <= done) {
            continue;
          }
          String problem = null;
          if (text.isBlank()) {
            problem = "missing_required_field: the line is empty";
          } else if (text.length() > MAX_LINE) {
            problem = "request_too_large: the line is longer than 1 MiB";
          } else {
            try {
              PasswordMigrateRequest r = JSON.readValue(text, PasswordMigrateRequest.class);
              if (r == null) {
                throw ErrorCodes.notAnObject();
              }
              PasswordMigration.Checked c = PasswordMigration.check(r, users, ids.password());
              batch.add(new JdbcUserImport.Row(line, c.newUser(), c.setEmailVerified(),
                  c.preserveExistingSessions()));
            } catch (ApiException e) {
              problem = e.code().type() + ": " + e.getMessage();
            } catch (JsonMappingException e) {
              String field = e.getPath().stream().map(p -> p.getFieldName() != null ? p.getFieldName()
                  : "[" + p.getIndex() + "]").collect(Collectors.joining("."));
              problem = field.isEmpty() ? "malformed_json: the line is not a JSON object"
                  : "invalid_field_type: field '" + field + "' has the wrong type";
            } catch (JsonProcessingException e) {
              problem = "malformed_json: the line is not valid JSON (column " + e.getLocation().getColumnNr() + ")";
            }
          }
          if (problem != null) {
            refused.add("line " + line + ": " + problem);
            counts[JdbcUserImport.Result.REFUSED.ordinal()]++;
            refusedInBatch++;
          }
          if (batch.size() >= batchSize || refusedInBatch >= batchSize) {
            flush(importer, key, line, batch, refusedInBatch, counts, refused);
            batch.clear();
            refusedInBatch = 0;
            progress.print("\r" + bar(line, totalLines, started, line - done));
            progress.flush();
          }
        }
        if (!batch.isEmpty() || refusedInBatch > 0) {
          flush(importer, key, line, batch, refusedInBatch, counts, refused);
        }
      } catch (CharacterCodingException e) {
        throw new ConfigException("--from " + input + ": line " + (line + 1) + " is not UTF-8 text (the lines "
            + "before its batch are imported; fix it and rerun)");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      long last = Math.max(line, done);
      progress.println("\r" + bar(last, totalLines, started, last - done));
      progress.flush();
      return new Summary(done + 1, last, totalLines, counts[JdbcUserImport.Result.IMPORTED.ordinal()],
          counts[JdbcUserImport.Result.UPDATED.ordinal()], counts[JdbcUserImport.Result.UNCHANGED.ordinal()],
          refused, last >= totalLines);
    }
  }

  private static void flush(JdbcUserImport importer, String key, long line, List<JdbcUserImport.Row> batch,
      long refusedBefore, long[] counts, List<String> refused) {
    for (JdbcUserImport.Outcome o : importer.write(key, line, batch, refusedBefore, System.currentTimeMillis())) {
      counts[o.result().ordinal()]++;
      if (o.result() == JdbcUserImport.Result.REFUSED) {
        refused.add("line " + o.line() + ": " + o.reason());
      }
    }
  }

  /** Messages for a line that is JSON but not an object (e.g. {@code null}). */
  private static final class ErrorCodes {
    static ApiException notAnObject() {
      return dev.latchkey.server.error.ErrorCode.MALFORMED_JSON.exception("the line must be a JSON object");
    }
  }

  static String bar(long line, long total, long startedNanos, long linesThisRun) {
    int percent = total == 0 ? 100 : (int) Math.min(100, line * 100 / total);
    int filled = percent * BAR_WIDTH / 100;
    double seconds = Math.max(1e-3, (System.nanoTime() - startedNanos) / 1e9);
    return "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] " + String.format("%3d%%", percent) + " "
        + line + "/" + total + " lines, " + Math.round(linesThisRun / seconds) + " lines/s";
  }

  /** Strict UTF-8: a malformed byte stops the import with a clear message rather than importing a mangled email. */
  private static BufferedReader reader(Path input) throws IOException {
    return new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(input),
        StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)), 1 << 16);
  }

  /** Counts the lines (a last line without a newline counts). */
  private static long[] scan(Path input) {
    try (InputStream in = Files.newInputStream(input)) {
      byte[] buffer = new byte[1 << 16];
      long lines = 0;
      int last = '\n';
      int n;
      while ((n = in.read(buffer)) > 0) {
        for (int i = 0; i < n; i++) {
          if (buffer[i] == '\n') {
            lines++;
          }
        }
        last = buffer[n - 1];
      }
      return new long[] {last == '\n' ? lines : lines + 1};
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] digest(Path input) {
    try (DigestInputStream in = new DigestInputStream(Files.newInputStream(input),
        MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return in.getMessageDigest().digest();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
