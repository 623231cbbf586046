package dev.latchkey.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Rfc3339InstantsTest {
  private final ObjectMapper json = WireJson.mapper();

  private Instant read(String text) throws Exception {
    return json.readValue("\"" + text + "\"", Instant.class);
  }

  @Test
  void theFastPathReadsEveryUtcTimestampAsTheJdkDoes() throws Exception {
    SplittableRandom random = new SplittableRandom(20261126);
    for (int i = 0; i < 20_000; i++) {
      // Years 0001..9999, every fraction length Instant.toString can produce (none, millis, micros, nanos).
      Instant t = Instant.ofEpochSecond(random.nextLong(-62_135_596_800L, 253_402_300_799L),
          switch (i % 4) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1_000;
            default -> random.nextInt(1_000_000_000);
          });
      String text = t.toString();
      assertThat(Rfc3339Instants.parseUtc(text)).as(text).isEqualTo(t);
      assertThat(read(text)).as(text).isEqualTo(t);
    }
  }

  @Test
  void shortFractionsAreScaledToNanoseconds() {
    assertThat(Rfc3339Instants.parseUtc("2026-01-02T03:04:05.5Z")).isEqualTo(Instant.parse("2026-01-02T03:04:05.500Z"));
    assertThat(Rfc3339Instants.parseUtc("2026-01-02T03:04:05.0001Z"))
        .isEqualTo(Instant.parse("2026-01-02T03:04:05.000100Z"));
  }

  @Test
  void otherShapesAreLeftToJacksonWhichStillReadsOffsets() throws Exception {
    assertThat(Rfc3339Instants.parseUtc("2026-01-02T05:04:05+02:00")).isNull();
    assertThat(read("2026-01-02T05:04:05+02:00")).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
    // ISO 8601's end-of-day 24:00 is not ours to judge: Jackson reads it as the next midnight, as before.
    assertThat(Rfc3339Instants.parseUtc("2026-01-01T24:00:00Z")).isNull();
    assertThat(read("2026-01-01T24:00:00Z")).isEqualTo(Instant.parse("2026-01-02T00:00:00Z"));
  }

  @Test
  void everyOtherShapeIsLeftToJacksonAndReadExactlyAsJacksonAloneReadsIt() {
    ObjectMapper jacksonAlone = com.fasterxml.jackson.databind.json.JsonMapper.builder()
        .addModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule()).build();
    for (String other : new String[] {"2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-01-01T24:00:00Z",
        "2026-01-01T00:60:00Z", "2026-01-01T00:00:61Z", "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00.1234567890Z",
        "2026-01-0xT00:00:00Z", "2026-01-01 00:00:00Z", "+12026-01-01T00:00:00Z", "yesterday"}) {
      assertThat(Rfc3339Instants.parseUtc(other)).as(other).isNull();
      assertThat(outcome(json, other)).as(other).isEqualTo(outcome(jacksonAlone, other));
    }
  }

  @Test
  void anEmptyTimestampIsRefusedAsTheStrictWireRulesSay() {
    assertThat(outcome(json, "")).isEqualTo("refused with InvalidFormatException");
  }

  private static String outcome(ObjectMapper mapper, String text) {
    try {
      return "read as " + mapper.readValue("\"" + text + "\"", Instant.class);
    } catch (Exception e) {
      return "refused with " + e.getClass().getSimpleName();
    }
  }
}
