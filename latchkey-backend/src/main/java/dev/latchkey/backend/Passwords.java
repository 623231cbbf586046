package dev.latchkey.backend;

import dev.latchkey.model.AuthenticateResponse;
import dev.latchkey.model.PasswordAuthenticateRequest;
import dev.latchkey.model.PasswordCreateRequest;
import dev.latchkey.model.PasswordCreateResponse;
import java.util.Objects;

/**
 * The Passwords API ({@code /v1/passwords}), so a backend can run its own sign-up and sign-in. Get it from {@link
 * LatchkeyBackend#passwords()}.
 *
 * <pre>{@code
 * AuthenticateResponse signedIn = backend.passwords().authenticate(
 *     new PasswordAuthenticateRequest("ada@example.com", password, null, null, 60, null));
 * setCookie("stytch_session", signedIn.sessionToken());
 * setCookie("stytch_session_jwt", signedIn.sessionJwt());
 * }</pre>
 */
public final class Passwords {
  private final Transport transport;

  Passwords(Transport transport) {
    this.transport = transport;
  }

  /** {@code POST /v1/passwords}: a new user with this email and password (and a session if a duration is given). */
  public PasswordCreateResponse create(PasswordCreateRequest request) {
    Objects.requireNonNull(request, "request");
    return transport.call("POST", "/v1/passwords", request, PasswordCreateResponse.class);
  }

  /** {@code POST /v1/passwords/authenticate}: with a session token or JWT the factor is added to that session. */
  public AuthenticateResponse authenticate(PasswordAuthenticateRequest request) {
    Objects.requireNonNull(request, "request");
    return transport.call("POST", "/v1/passwords/authenticate", request, AuthenticateResponse.class);
  }
}
