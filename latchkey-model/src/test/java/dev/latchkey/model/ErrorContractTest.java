package dev.latchkey.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ErrorContractTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void exactlyTheFourDefinitiveAnswersSignAClientOut() {
    assertThat(Arrays.stream(ErrorType.values()).filter(ErrorType::signsOut).map(ErrorType::wireName))
        .containsExactlyInAnyOrder("session_not_found", "unauthorized_credentials", "user_unauthenticated",
            "invalid_secret_authentication");
  }

  @Test
  void eachTypeHasTheStatusItIsSentWith() {
    assertThat(ErrorType.SESSION_NOT_FOUND.status()).isEqualTo(404);
    assertThat(ErrorType.UNAUTHORIZED_CREDENTIALS.status()).isEqualTo(401);
    assertThat(ErrorType.INVALID_SESSION_JWT.status()).isEqualTo(401);
    assertThat(ErrorType.TOO_MANY_REQUESTS.status()).isEqualTo(429);
    assertThat(ErrorType.DATABASE_UNAVAILABLE.status()).isEqualTo(503);
    assertThat(Arrays.stream(ErrorType.values()).map(ErrorType::status)).allMatch(s -> s >= 400 && s <= 599);
  }

  @Test
  void aWireNameReadsBackAsItsTypeAndAnUnknownOneAsNone() {
    for (ErrorType t : ErrorType.values()) {
      assertThat(ErrorType.fromWire(t.wireName())).contains(t);
    }
    assertThat(ErrorType.fromWire("a_type_from_a_newer_server")).isEmpty();
    assertThat(ErrorType.fromWire(null)).isEmpty();
  }

  @Test
  void anErrorReplyIsReadAsTheServersBody() {
    byte[] body = ("{\"status_code\":404,\"request_id\":\"request-id-test-1\",\"error_type\":\"session_not_found\","
        + "\"error_message\":\"Session could not be found.\",\"error_url\":\"https://stytch.com/docs/api/errors/404\"}")
        .getBytes(StandardCharsets.UTF_8);

    ErrorBody read = ErrorBody.fromReply(JSON, 404, body, "POST /x: ");

    assertThat(read).isEqualTo(new ErrorBody(404, "request-id-test-1", "session_not_found",
        "Session could not be found.", "https://stytch.com/docs/api/errors/404"));
    assertThat(read.type()).contains(ErrorType.SESSION_NOT_FOUND);
  }

  @Test
  void aReplyThatIsNotAnErrorBodyIsDescribedByItsStatusAndNeverSignsOut() {
    for (String text : new String[] {"<html>Bad gateway</html>", "", "[1,2]", "{\"error_type\":7}", "{\"a\":"}) {
      ErrorBody read = ErrorBody.fromReply(JSON, 502, text.getBytes(StandardCharsets.UTF_8), "GET /y: ");

      assertThat(read.errorType()).as(text).isEqualTo("http_502");
      assertThat(read.errorMessage()).isEqualTo("GET /y: the server answered HTTP 502 without a JSON error body");
      assertThat(read.type()).isEmpty();
    }
  }

  @Test
  void theJwtContractNamesTheProjectAsIssuerAndAudience() {
    assertThat(SessionJwtContract.issuer("project-test-1")).isEqualTo("stytch.com/project-test-1");
    assertThat(SessionJwtContract.audience("project-test-1")).containsExactly("project-test-1");
    assertThat(SessionJwtContract.SESSION_CLAIM).startsWith(SessionJwtContract.RESERVED_CLAIM_PREFIX);
  }
}
