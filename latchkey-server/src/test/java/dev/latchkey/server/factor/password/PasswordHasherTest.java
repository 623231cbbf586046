package dev.latchkey.server.factor.password;

import static org.assertj.core.api.Assertions.assertThat;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Latchkey's own password hashes: Argon2id PHC strings of the configured cost, interchangeable with the ones
 * password4j made before Bouncy Castle computed them (every hash stored by an earlier version must still verify).
 */
class PasswordHasherTest {
  private static final String PASSWORD = "correct horse battery staple ü 42";
  private final HashingPool pool = new HashingPool(1, 8);
  private final PasswordHasher hasher = new PasswordHasher(8192, 1, 1, pool);

  @AfterEach
  void close() {
    pool.close();
  }

  @Test
  void aHashIsAnArgon2idPhcStringOfTheConfiguredCostThatVerifiesOnlyItsPassword() {
    String hash = hasher.hash(PASSWORD);

    assertThat(hash).matches("\\$argon2id\\$v=19\\$m=8192,t=1,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
    assertThat(hasher.verify(PASSWORD, hash)).isTrue();
    assertThat(hasher.verify(PASSWORD + " ", hash)).isFalse();
    assertThat(hasher.hash(PASSWORD)).as("a new salt every time").isNotEqualTo(hash);
  }

  @Test
  void aHashMadeByPassword4jVerifiesAndOneMadeHereVerifiesWithPassword4j() {
    String before = Password.hash(PASSWORD).addRandomSalt(16)
        .with(Argon2Function.getInstance(8192, 2, 1, 32, Argon2.ID)).getResult();
    String now = hasher.hash(PASSWORD);

    assertThat(hasher.verify(PASSWORD, before)).isTrue();
    assertThat(hasher.verify("wrong", before)).isFalse();
    assertThat(Argon2Function.getInstanceFromHash(now).check(PASSWORD, now)).isTrue();
  }

  @Test
  void aFixedHashFromAnotherImplementationVerifies() {
    // Made by password4j 1.8.4 for "pässword" (UTF-8), 16-byte salt: a known answer independent of this code.
    String known = "$argon2id$v=19$m=8192,t=1,p=1$JspiYznTuVKOTx1VLseEEA$/c75BzQG0bC/boQvvsHEP6JQme6Mfnza3LDiMrzG+Ak";

    assertThat(hasher.verify("pässword", known)).isTrue();
    assertThat(hasher.verify("password", known)).isFalse();
  }

  @Test
  void aStoredHashThatIsMalformedOrPastTheSettingsBoundsNeverMatches() {
    String good = hasher.hash(PASSWORD);
    String salt = good.split("\\$")[4];
    String tag = good.split("\\$")[5];

    for (String bad : new String[] {"", "plain", "$argon2i$v=19$m=8192,t=1,p=1$" + salt + "$" + tag,
        "$argon2id$v=16$m=8192,t=1,p=1$" + salt + "$" + tag, "$argon2id$v=19$m=8192,t=1,p=1$" + salt + "$",
        "$argon2id$v=19$m=4,t=1,p=1$" + salt + "$" + tag, "$argon2id$v=19$m=2000000,t=1,p=1$" + salt + "$" + tag,
        "$argon2id$v=19$m=8192,t=11,p=1$" + salt + "$" + tag, "$argon2id$v=19$m=8192,t=1,p=17$" + salt + "$" + tag,
        good.substring(0, good.length() - 2) + "!!"}) {
      assertThat(hasher.verify(PASSWORD, bad)).as(bad).isFalse();
    }
  }
}
