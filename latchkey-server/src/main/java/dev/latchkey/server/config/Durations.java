package dev.latchkey.server.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as operators write them ({@code 30s}, {@code 15m}, {@code 1h}, {@code 1d}, {@code PT5M}) and as shown. */
final class Durations {
  private static final Pattern WITH_UNIT = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

  private Durations() {}

  /** The duration {@code text} stands for, or null when it is none; {@code 0} alone needs no unit. */
  static Duration parse(String text) {
    try {
      if (text.equals("0")) {
        return Duration.ZERO;
      }
      if (text.toUpperCase(Locale.ROOT).startsWith("P")) {
        return Duration.parse(text);
      }
      Matcher m = WITH_UNIT.matcher(text);
      if (!m.matches()) {
        return null;
      }
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** {@code d} in the largest whole unit: {@code 1d}, {@code 6m}, {@code 90s}. */
  static String human(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    if (d.toDaysPart() > 0 && d.toHoursPart() == 0 && d.toMinutesPart() == 0 && d.toSecondsPart() == 0) {
      return d.toDays() + "d";
    }
    if (d.toSeconds() % 3600 == 0) {
      return d.toHours() + "h";
    }
    if (d.toSeconds() % 60 == 0) {
      return d.toMinutes() + "m";
    }
    return d.toSeconds() + "s";
  }
}
