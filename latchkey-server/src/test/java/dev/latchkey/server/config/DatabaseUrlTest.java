package dev.latchkey.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Database URLs as operators write them, and passwords kept out of every message that quotes one. */
class DatabaseUrlTest {
  @Test
  void aPasswordParameterInsideADriverMessageIsRedactedAndTheRestOfTheMessageKept() {
    String message = "Unable to obtain connection from database (jdbc:postgresql://db:5432/latchkey?user=latchkey"
        + "&password=s3cr3t-pw) for user 'latchkey': Connection refused";

    assertThat(DatabaseUrl.redact(message)).isEqualTo("Unable to obtain connection from database "
        + "(jdbc:postgresql://db:5432/latchkey?user=latchkey&password=<redacted>) for user 'latchkey': "
        + "Connection refused");
  }

  @Test
  void aPasswordInTheUserInfoIsRedacted() {
    assertThat(DatabaseUrl.redact("postgresql://latchkey:s3cr3t-pw@db/latchkey"))
        .isEqualTo("postgresql://latchkey:<redacted>@db/latchkey");
  }

  @Test
  void theMigrateCommandMayNameASqliteFileByItsPath() {
    assertThat(DatabaseUrl.toJdbc("data/latchkey.db", true)).isEqualTo("jdbc:sqlite:data/latchkey.db");
  }

  @Test
  void aPostgresqlUrlWithoutCredentialsKeepsItsParameters() {
    assertThat(DatabaseUrl.toJdbc("postgres://db/latchkey?sslmode=require", false))
        .isEqualTo("jdbc:postgresql://db/latchkey?sslmode=require");
    assertThat(DatabaseUrl.isPostgres(DatabaseUrl.toJdbc("postgres://db/latchkey", false))).isTrue();
  }
}
