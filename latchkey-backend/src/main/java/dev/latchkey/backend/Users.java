package dev.latchkey.backend;

import dev.latchkey.model.internal.Checks;

import dev.latchkey.model.User;
import dev.latchkey.model.UserCreateRequest;
import dev.latchkey.model.UserCreateResponse;
import dev.latchkey.model.UserDeleteResponse;
import dev.latchkey.model.UserUpdateRequest;
import dev.latchkey.model.UserUpdateResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The Users API ({@code /v1/users}). Get it from {@link LatchkeyBackend#users()}.
 *
 * <pre>{@code
 * UserCreateResponse created = backend.users().create(
 *     new UserCreateRequest("ada@example.com", null, null, null, null, null, null, null));
 * User ada = backend.users().get(created.userId());
 * }</pre>
 */
public final class Users {
  private final Transport transport;

  Users(Transport transport) {
    this.transport = transport;
  }

  /** {@code POST /v1/users}. */
  public UserCreateResponse create(UserCreateRequest request) {
    Objects.requireNonNull(request, "request");
    return transport.call("POST", "/v1/users", request, UserCreateResponse.class);
  }

  /** {@code GET /v1/users/{user_id}}. */
  public User get(String userId) {
    return transport.call("GET", path(userId), null, User.class);
  }

  /** {@code PUT /v1/users/{user_id}}: absent fields are left as they are. */
  public UserUpdateResponse update(String userId, UserUpdateRequest request) {
    Objects.requireNonNull(request, "request");
    return transport.call("PUT", path(userId), request, UserUpdateResponse.class);
  }

  /** {@code DELETE /v1/users/{user_id}}: the user and all their sessions. */
  public UserDeleteResponse delete(String userId) {
    return transport.call("DELETE", path(userId), null, UserDeleteResponse.class);
  }

  private static String path(String userId) {
    Checks.text(userId, "userId");
    return "/v1/users/" + URLEncoder.encode(userId, StandardCharsets.UTF_8);
  }
}
