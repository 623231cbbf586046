package dev.latchkey.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Standard Webhooks verification, pinned by the specification's published test vector. */
class WebhookVerifierTest {
  // The vector every Standard Webhooks reference implementation reproduces.
  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  private static final long TIMESTAMP = 1614265330;
  private static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
  private static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
  private static final String OTHER_SECRET = "whsec_" + java.util.Base64.getEncoder().encodeToString(
      "another secret of 32 bytes......".getBytes(StandardCharsets.US_ASCII));

  private static WebhookVerifier at(long epochSecond, String... secrets) {
    WebhookVerifier.Builder b = WebhookVerifier.builder()
        .clock(Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC));
    for (String s : secrets) {
      b.secret(s);
    }
    return b.build();
  }

  private static LatchkeyException.Reason refusal(Runnable r) {
    try {
      r.run();
    } catch (LatchkeyException e) {
      assertThat(e.isRejection()).isTrue();
      return e.reason();
    }
    throw new AssertionError("accepted");
  }

  @Test
  void theSpecificationsTestVectorSignsAndVerifies() {
    assertThat(WebhookVerifier.sign(SECRET, ID, TIMESTAMP, BODY)).isEqualTo(SIGNATURE);
    at(TIMESTAMP, SECRET).verify(ID, Long.toString(TIMESTAMP), SIGNATURE, BODY);
    at(TIMESTAMP + 299, SECRET).verify(ID, Long.toString(TIMESTAMP), "v1,bm9wZQ== " + SIGNATURE, BODY);
  }

  @Test
  void aChangedBodyIdOrTimestampOrAnotherSecretIsABadSignature() {
    WebhookVerifier v = at(TIMESTAMP, SECRET);
    String ts = Long.toString(TIMESTAMP);

    assertThat(refusal(() -> v.verify(ID, ts, SIGNATURE, "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8))))
        .isEqualTo(LatchkeyException.Reason.WEBHOOK_BAD_SIGNATURE);
    assertThat(refusal(() -> v.verify("msg_other", ts, SIGNATURE, BODY)))
        .isEqualTo(LatchkeyException.Reason.WEBHOOK_BAD_SIGNATURE);
    assertThat(refusal(() -> v.verify(ID, Long.toString(TIMESTAMP + 1), SIGNATURE, BODY)))
        .isEqualTo(LatchkeyException.Reason.WEBHOOK_BAD_SIGNATURE);
    assertThat(refusal(() -> at(TIMESTAMP, OTHER_SECRET).verify(ID, ts, SIGNATURE, BODY)))
        .isEqualTo(LatchkeyException.Reason.WEBHOOK_BAD_SIGNATURE);
    assertThat(refusal(() -> v.verify(ID, ts, "v2," + SIGNATURE.substring(3) + " v1,not-base64!", BODY)))
        .isEqualTo(LatchkeyException.Reason.WEBHOOK_BAD_SIGNATURE);
  }

  @Test
  void duringARotationEitherSecretVerifies() {
    String ts = Long.toString(TIMESTAMP);
    String byNew = WebhookVerifier.sign(OTHER_SECRET, ID, TIMESTAMP, BODY);

    at(TIMESTAMP, OTHER_SECRET, SECRET).verify(ID, ts, SIGNATURE, BODY);
    at(TIMESTAMP, OTHER_SECRET, SECRET).verify(ID, ts, byNew, BODY);
    at(TIMESTAMP, SECRET).verify(ID, ts, byNew + " " + SIGNATURE, BODY);
  }

  @Test
  void anOldOrFutureOrUnreadableTimestampIsRefusedBeforeAnySignatureIsChecked() {
    String ts = Long.toString(TIMESTAMP);
    assertThat(refusal(() -> at(TIMESTAMP + 301, SECRET).verify(ID, ts, SIGNATURE, BODY)))
        .isEqualTo(LatchkeyException.Reason.WEBHOOK_BAD_TIMESTAMP);
    assertThat(refusal(() -> at(TIMESTAMP - 301, SECRET).verify(ID, ts, SIGNATURE, BODY)))
        .isEqualTo(LatchkeyException.Reason.WEBHOOK_BAD_TIMESTAMP);
    assertThat(refusal(() -> at(TIMESTAMP, SECRET).verify(ID, "2021-02-25T15:02:10Z", SIGNATURE, BODY)))
        .isEqualTo(LatchkeyException.Reason.WEBHOOK_BAD_TIMESTAMP);
    WebhookVerifier tight = WebhookVerifier.builder().secret(SECRET).tolerance(Duration.ofSeconds(10))
        .clock(Clock.fixed(Instant.ofEpochSecond(TIMESTAMP + 11), ZoneOffset.UTC)).build();
    assertThat(refusal(() -> tight.verify(ID, ts, SIGNATURE, BODY)))
        .isEqualTo(LatchkeyException.Reason.WEBHOOK_BAD_TIMESTAMP);
  }

  @Test
  void aMissingHeaderIsNamedAsSuch() {
    String ts = Long.toString(TIMESTAMP);
    WebhookVerifier v = at(TIMESTAMP, SECRET);
    assertThat(refusal(() -> v.verify(null, ts, SIGNATURE, BODY)))
        .isEqualTo(LatchkeyException.Reason.WEBHOOK_MISSING_HEADER);
    assertThat(refusal(() -> v.verify(ID, " ", SIGNATURE, BODY)))
        .isEqualTo(LatchkeyException.Reason.WEBHOOK_MISSING_HEADER);
    assertThat(refusal(() -> v.verify(ID, ts, "", BODY)))
        .isEqualTo(LatchkeyException.Reason.WEBHOOK_MISSING_HEADER);
  }

  @Test
  void secretsAndToleranceAreCheckedWhenTheVerifierIsBuilt() {
    assertThatThrownBy(() -> WebhookVerifier.builder().build()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one secret");
    assertThatThrownBy(() -> WebhookVerifier.builder().secret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whsec_");
    assertThatThrownBy(() -> WebhookVerifier.builder().secret("whsec_c2hvcnQ="))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16 bytes");
    assertThatThrownBy(() -> WebhookVerifier.builder().secret("whsec_***"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WebhookVerifier.builder().tolerance(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WebhookVerifier.builder().tolerance(Duration.ofHours(2)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
