package dev.latchkey.server.api;

import static dev.latchkey.server.api.ApiAssertions.assertError;

import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.TestServer;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every backend route that takes a {@code user_id} answers a malformed one with the same {@code 400
 * invalid_user_id} and a well-formed unknown one with the same {@code 404 user_not_found}, whether the id comes in
 * the path, the query or the body.
 */
class UserIdFormatsApiTest {
  /** Not a user id, and not an external id either ('!' and the space are outside its alphabet). */
  private static final String MALFORMED = "bad id!";
  private static TestServer server;
  private static ApiClient api;

  @BeforeAll
  static void startServer() {
    server = TestServer.start();
    api = server.api();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static ApiClient.Reply call(String route, String userId) {
    String literal = ApiAssertions.literal(userId);
    String inPath = java.net.URLEncoder.encode(userId, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    return switch (route) {
      case "GET user" -> api.get("/v1/users/" + inPath);
      case "PUT user" -> api.put("/v1/users/" + inPath, "{\"name\":{\"first_name\":\"X\"}}");
      case "DELETE user" -> api.delete("/v1/users/" + inPath);
      case "GET sessions" -> api.get("/v1/sessions?user_id=" + inPath);
      case "POST totps" -> api.post("/v1/totps", "{\"user_id\":" + literal + "}");
      case "POST totps/authenticate" -> api.post("/v1/totps/authenticate", "{\"user_id\":" + literal
          + ",\"totp_code\":\"123456\"}");
      case "POST totps/recovery_codes" -> api.post("/v1/totps/recovery_codes", "{\"user_id\":" + literal + "}");
      case "POST totps/recover" -> api.post("/v1/totps/recover", "{\"user_id\":" + literal
          + ",\"recovery_code\":\"ckss-2skx-ebow\"}");
      default -> throw new IllegalArgumentException(route);
    };
  }

  @ParameterizedTest
  @ValueSource(strings = {"GET user", "PUT user", "DELETE user", "GET sessions", "POST totps",
      "POST totps/authenticate", "POST totps/recovery_codes", "POST totps/recover"})
  void aMalformedUserIdIsTheSame400Everywhere(String route) {
    assertError(call(route, MALFORMED), 400, "invalid_user_id");
  }

  @ParameterizedTest
  @ValueSource(strings = {"GET user", "PUT user", "DELETE user", "GET sessions", "POST totps",
      "POST totps/authenticate", "POST totps/recovery_codes", "POST totps/recover"})
  void aWellFormedUnknownUserIdIsTheSame404Everywhere(String route) {
    assertError(call(route, "user-test-" + UUID.randomUUID()), 404, "user_not_found");
  }

  @org.junit.jupiter.api.Test
  void searchTakesTheSameUserIdsAndRefusesAMalformedOne() {
    assertError(api.post("/v1/users/search", "{\"query\":{\"operator\":\"AND\",\"operands\":[{\"filter_name\":"
        + "\"user_id\",\"filter_value\":[" + ApiAssertions.literal(MALFORMED) + "]}]}}"), 400, "invalid_user_id");
  }
}
