package dev.latchkey.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The declarations themselves: complete, consistent, and what the documentation and the messages are made of. */
class SettingsCatalogTest {
  @Test
  void everyDeclaredSettingIsListedOnceInAll() throws IllegalAccessException {
    List<Setting<?>> declared = new ArrayList<>();
    for (Field f : SettingsCatalog.class.getDeclaredFields()) {
      if (f.getType() == Setting.class && Modifier.isStatic(f.getModifiers())) {
        declared.add((Setting<?>) f.get(null));
      }
    }

    assertThat(SettingsCatalog.ALL).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(declared);
    assertThat(SettingsCatalog.ALL.stream().map(Setting::name)).doesNotHaveDuplicates()
        .allMatch(name -> name.matches("LATCHKEY_[A-Z0-9_]+"));
  }

  @Test
  void everySettingThatADescriptionMentionsExists() {
    List<String> names = SettingsCatalog.ALL.stream().map(Setting::name).toList();
    for (Setting<?> setting : SettingsCatalog.ALL) {
      Matcher m = Pattern.compile("LATCHKEY_[A-Z0-9_]+").matcher(setting.description());
      while (m.find()) {
        assertThat(names).as("a setting named in the description of %s", setting).contains(m.group());
      }
    }
  }

  @Test
  void theDescriptionEndsWithTheRangeTheParserEnforces() {
    assertThat(SettingsCatalog.ARGON2_ITERATIONS.description()).isEqualTo("Argon2id passes, 1..10");
    assertThat(SettingsCatalog.KEY_RETENTION.description())
        .isEqualTo("How long a rotated-out key stays in the JWKS and verifies, 6m..366d");
    assertThat(SettingsCatalog.KEY_RETENTION.documentedDefault()).isEqualTo("1h");
    assertThat(SettingsCatalog.SMTP_TLS.description()).isEqualTo("How the SMTP connection is protected, one of none, "
        + "starttls (required, not opportunistic) or tls (SMTPS)");
  }

  @Test
  void aDefaultOutsideItsOwnRangeIsADeclarationError() {
    assertThatThrownBy(() -> Setting.integer("LATCHKEY_X", 0, 1, 10, "X"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("LATCHKEY_X: default 0 is outside 1..10");
    assertThatThrownBy(() -> Setting.duration("LATCHKEY_X", "2d", "1s", "1d", "X"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("LATCHKEY_X: default 2d is not a duration in 1s..1d");
  }

  @Test
  void aSecretIsNeverEchoedAndADatabaseUrlIsShownRedacted() {
    Source source = Source.of(Map.of("LATCHKEY_SMTP_PASSWORD", "pw", "LATCHKEY_DATABASE_URL",
        "mysql://u:hunter2@db/x"));
    Setting<String> strictSecret = Setting.<String>parsed("LATCHKEY_SMTP_PASSWORD", "X", "something else", text -> {
      throw Setting.Invalid.standard();
    }).secret();

    assertThatThrownBy(() -> source.read(strictSecret)).hasMessage("LATCHKEY_SMTP_PASSWORD (from the environment) "
        + "is not valid: use something else");
    assertThatThrownBy(() -> source.read(SettingsCatalog.DATABASE_URL)).hasMessageStartingWith(
        "LATCHKEY_DATABASE_URL=mysql://u:<redacted>@db/x (from the environment) is not a database URL");
  }
}
