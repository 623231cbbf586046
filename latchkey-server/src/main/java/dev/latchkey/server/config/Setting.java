package dev.latchkey.server.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * One setting, declared once: its variable name, its default, the values it accepts, how its text becomes a typed
 * value, and what it does. Reading it ({@link Settings#load}), the README settings table, {@code latchkey serve
 * --help} and every start-up message about a bad value are all derived from the declaration, so they cannot drift.
 *
 * <pre>{@code
 * static final Setting<Duration> KEY_RETENTION = Setting.duration("LATCHKEY_KEY_RETENTION", "1h", "6m", "366d",
 *     "How long a rotated-out key stays in the JWKS and verifies");
 * KEY_RETENTION.description();      // How long a rotated-out key stays in the JWKS and verifies, 6m..366d
 * KEY_RETENTION.documentedDefault(); // 1h
 * // LATCHKEY_KEY_RETENTION=5m stops start-up with:
 * // LATCHKEY_KEY_RETENTION=5m (from the environment) is not valid: use a duration such as 30s, 15m, 1h or PT5M,
 * // from 6m to 366d (default 1h)
 * }</pre>
 *
 * <p>Every setting is listed in {@link SettingsCatalog#ALL}.
 *
 * @param <T> the type of its value; a setting without a default reads as null when unset
 */
public final class Setting<T> {
  private final String name;
  private final T defaultValue;
  private final String documentedDefault;
  private final String meaning;
  /** The accepted values as the README and --help show them ({@code 1..10}), or null when the meaning says it all. */
  private final String range;
  /** The accepted values as a message says them ({@code a whole number from 1 to 10}), or null. */
  private final String accepted;
  private final Parser<T> parser;
  /** How a refused value is shown in its message; null for a secret, which is never echoed. */
  private final UnaryOperator<String> shownInMessages;

  /** Turns the text of a setting (never null or empty) into its value, or refuses it. */
  @FunctionalInterface
  interface Parser<T> {
    T parse(String text) throws Invalid;
  }

  /** A value a parser refuses, and why. */
  static final class Invalid extends Exception {
    private final String problem;
    private final String detail;

    private Invalid(String problem, String detail) {
      super(problem, null, false, false);
      this.problem = problem;
      this.detail = detail;
    }

    /** "is not valid: use {accepted} (default {default})". */
    static Invalid standard() {
      return new Invalid(null, "");
    }

    /** The standard problem followed by {@code detail}, e.g. " (it was 15 characters)". */
    static Invalid standard(String detail) {
      return new Invalid(null, detail);
    }

    /** {@code problem} follows "NAME=value (from where) ", e.g. "is not a directory: point it at ...". */
    static Invalid because(String problem) {
      return new Invalid(problem, "");
    }
  }

  /** One accepted value of a {@link #oneOf} setting, with a note for the documentation (may be empty). */
  record Choice<T>(String text, T value, String note) {}

  private Setting(String name, T defaultValue, String documentedDefault, String meaning, String range,
      String accepted, Parser<T> parser, UnaryOperator<String> shownInMessages) {
    this.name = name;
    this.defaultValue = defaultValue;
    this.documentedDefault = documentedDefault;
    this.meaning = meaning;
    this.range = range;
    this.accepted = accepted;
    this.parser = parser;
    this.shownInMessages = shownInMessages;
  }

  // ----------------------------------------------------------------------------------------------------- kinds

  /** A whole number from {@code min} to {@code max}. */
  static Setting<Integer> integer(String name, int byDefault, int min, int max, String meaning) {
    if (byDefault < min || byDefault > max) {
      throw new IllegalArgumentException(name + ": default " + byDefault + " is outside " + min + ".." + max);
    }
    return new Setting<>(name, byDefault, String.valueOf(byDefault), meaning, min + ".." + max,
        "a whole number from " + min + " to " + max, text -> {
          try {
            int n = Integer.parseInt(text.strip());
            if (n >= min && n <= max) {
              return n;
            }
          } catch (NumberFormatException ignored) {
            // refused below
          }
          throw Invalid.standard();
        }, UnaryOperator.identity());
  }

  /** A duration from {@code min} to {@code max}, all three written as an operator would ({@code 30s}, {@code 1d}). */
  static Setting<Duration> duration(String name, String byDefault, String min, String max, String meaning) {
    Duration fallback = Durations.parse(byDefault);
    Duration low = Durations.parse(min);
    Duration high = Durations.parse(max);
    if (fallback == null || low == null || high == null || fallback.compareTo(low) < 0
        || fallback.compareTo(high) > 0) {
      throw new IllegalArgumentException(name + ": default " + byDefault + " is not a duration in " + min + ".."
          + max);
    }
    String from = Durations.human(low);
    String to = Durations.human(high);
    return new Setting<>(name, fallback, Durations.human(fallback), meaning, from + ".." + to,
        "a duration such as 30s, 15m, 1h or PT5M, from " + from + " to " + to, text -> {
          Duration d = Durations.parse(text.strip());
          if (d == null || d.compareTo(low) < 0 || d.compareTo(high) > 0) {
            throw Invalid.standard();
          }
          return d;
        }, UnaryOperator.identity());
  }

  /** {@code true} or {@code false}, in any case. */
  static Setting<Boolean> bool(String name, boolean byDefault, String meaning) {
    return new Setting<>(name, byDefault, String.valueOf(byDefault), meaning, "true or false", "true or false",
        text -> switch (text.strip().toLowerCase(Locale.ROOT)) {
          case "true" -> true;
          case "false" -> false;
          default -> throw Invalid.standard();
        }, UnaryOperator.identity());
  }

  /** Exactly one of {@code choices}, as written there. */
  static <T> Setting<T> oneOf(String name, String byDefault, String meaning, List<Choice<T>> choices) {
    return choice(name, byDefault, meaning, choices, false);
  }

  /** One of {@code choices}, in any case. */
  static <T> Setting<T> oneOfIgnoringCase(String name, String byDefault, String meaning, List<Choice<T>> choices) {
    return choice(name, byDefault, meaning, choices, true);
  }

  /** Any text, taken as it is; {@code byDefault} may be null (documented as "none"). */
  static Setting<String> text(String name, String byDefault, String meaning) {
    return new Setting<>(name, byDefault, byDefault == null ? "none" : byDefault, meaning, null, null,
        text -> text, UnaryOperator.identity());
  }

  /**
   * Text that {@code parser} turns into a value or refuses; {@code accepted} says what it accepts (in the
   * description and in the standard message), or is null when the parser's own messages say it. No default until
   * {@link #byDefault} gives one.
   */
  static <T> Setting<T> parsed(String name, String meaning, String accepted, Parser<T> parser) {
    return new Setting<>(name, null, "none", meaning, accepted, accepted, parser, UnaryOperator.identity());
  }

  // ---------------------------------------------------------------------------------------------- refinements

  /** The same setting with {@code value} as its default, documented as {@code documented}. */
  Setting<T> byDefault(T value, String documented) {
    return new Setting<>(name, value, documented, meaning, range, accepted, parser, shownInMessages);
  }

  /** The same setting with {@code value} as its default, documented as written. */
  Setting<T> byDefault(T value) {
    return byDefault(value, String.valueOf(value));
  }

  /** The same setting, unset by default, with the documentation saying what unset means. */
  Setting<T> unsetMeans(String documented) {
    return new Setting<>(name, defaultValue, documented, meaning, range, accepted, parser, shownInMessages);
  }

  /** The same setting with its value never echoed by a message. */
  Setting<T> secret() {
    return new Setting<>(name, defaultValue, documentedDefault, meaning, range, accepted, parser, null);
  }

  /** The same setting with a refused value shown by {@code show}, e.g. with a password redacted. */
  Setting<T> shownInMessagesAs(UnaryOperator<String> show) {
    return new Setting<>(name, defaultValue, documentedDefault, meaning, range, accepted, parser, show);
  }

  // ---------------------------------------------------------------------------------------------------- public

  /** The variable name, e.g. {@code LATCHKEY_PORT}; the config file uses the same key. */
  public String name() {
    return name;
  }

  /** The default as documented: a value such as {@code 8080}, or what unset means ("generated on first start"). */
  public String documentedDefault() {
    return documentedDefault;
  }

  /** What it does, then the accepted values: "Argon2id passes, 1..10". */
  public String description() {
    return range == null ? meaning : meaning + ", " + range;
  }

  @Override
  public String toString() {
    return name;
  }

  // -------------------------------------------------------------------------------------------------- reading

  /** Its value in {@code source}, or its default; a refused value stops start-up with a {@link ConfigException}. */
  T read(Source source) {
    String text = source.raw(name);
    if (text == null) {
      return defaultValue;
    }
    try {
      return parser.parse(text);
    } catch (Invalid e) {
      String problem = e.problem != null ? e.problem : "is not valid: use " + accepted
          + (defaultValue == null ? "" : " (default " + documentedDefault + ")") + e.detail;
      String shown = shownInMessages == null ? "" : "=" + shownInMessages.apply(text);
      throw new ConfigException(name + shown + " (from " + source.where(name) + ") " + problem);
    }
  }

  private static <T> Setting<T> choice(String name, String byDefault, String meaning, List<Choice<T>> choices,
      boolean ignoreCase) {
    Choice<T> fallback = choices.stream().filter(c -> c.text().equals(byDefault)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(name + ": default " + byDefault + " is not a choice"));
    List<String> documented = new ArrayList<>();
    for (Choice<T> c : choices) {
      documented.add(c.note().isEmpty() ? c.text() : c.text() + " (" + c.note() + ")");
    }
    return new Setting<>(name, fallback.value(), byDefault, meaning, "one of " + joinWithOr(documented),
        "one of " + joinWithOr(choices.stream().map(Choice::text).toList()), text -> {
          String written = ignoreCase ? text.strip().toLowerCase(Locale.ROOT) : text.strip();
          return choices.stream().filter(c -> c.text().equals(written)).findFirst()
              .orElseThrow(Invalid::standard).value();
        }, UnaryOperator.identity());
  }

  /** "a", "a or b", "a, b or c". */
  private static String joinWithOr(List<String> items) {
    int last = items.size() - 1;
    return last == 0 ? items.get(0) : String.join(", ", items.subList(0, last)) + " or " + items.get(last);
  }
}
