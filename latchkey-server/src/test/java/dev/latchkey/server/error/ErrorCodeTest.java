package dev.latchkey.server.error;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.model.ErrorType;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ErrorCodeTest {

  @Test
  void everyTypeOfTheContractIsOneTheServerCanSend() {
    Set<ErrorType> sent = Arrays.stream(ErrorCode.values()).map(ErrorCode::errorType).collect(Collectors.toSet());

    assertThat(sent).containsExactlyInAnyOrder(ErrorType.values());
  }

  @Test
  void aCodeAnswersWithItsTypesStatusAndWireName() {
    assertThat(ErrorCode.INVALID_CREDENTIALS.status()).isEqualTo(401);
    assertThat(ErrorCode.INVALID_CREDENTIALS.type()).isEqualTo("unauthorized_credentials");
    assertThat(ErrorCode.HEADERS_TOO_LARGE.type()).isEqualTo("request_headers_too_large");
    assertThat(ErrorCode.HEADERS_TOO_LARGE.status()).isEqualTo(431);
  }
}
