package dev.latchkey.server.http;

import dev.latchkey.model.AuthenticateResponse;
import dev.latchkey.model.EmailLoginOrCreateResponse;
import dev.latchkey.model.EmailSendResponse;
import dev.latchkey.model.FactorAuthenticateResponse;
import dev.latchkey.model.JwksResponse;
import dev.latchkey.model.MagicLinkAuthenticateRequest;
import dev.latchkey.model.MagicLinkEmailRequest;
import dev.latchkey.model.OAuthAttachRequest;
import dev.latchkey.model.OAuthAttachResponse;
import dev.latchkey.model.OAuthAuthenticateRequest;
import dev.latchkey.model.OAuthAuthenticateResponse;
import dev.latchkey.model.OtpAuthenticateRequest;
import dev.latchkey.model.OtpEmailRequest;
import dev.latchkey.model.PasswordAuthenticateRequest;
import dev.latchkey.model.PasswordCreateRequest;
import dev.latchkey.model.PasswordCreateResponse;
import dev.latchkey.model.PasswordMigrateRequest;
import dev.latchkey.model.PasswordMigrateResponse;
import dev.latchkey.model.PasswordResetRequest;
import dev.latchkey.model.PasswordResetStartRequest;
import dev.latchkey.model.PasswordStrengthCheckRequest;
import dev.latchkey.model.PasswordStrengthCheckResponse;
import dev.latchkey.model.RevokeOthersResponse;
import dev.latchkey.model.RevokeResponse;
import dev.latchkey.model.SessionAuthenticateRequest;
import dev.latchkey.model.SessionListResponse;
import dev.latchkey.model.SessionMigrateRequest;
import dev.latchkey.model.SessionRevokeOthersRequest;
import dev.latchkey.model.SessionRevokeRequest;
import dev.latchkey.model.TotpAuthenticateRequest;
import dev.latchkey.model.TotpAuthenticateResponse;
import dev.latchkey.model.TotpCreateRequest;
import dev.latchkey.model.TotpCreateResponse;
import dev.latchkey.model.TotpRecoverRequest;
import dev.latchkey.model.TotpRecoveryCodesRequest;
import dev.latchkey.model.TotpRecoveryCodesResponse;
import dev.latchkey.model.User;
import dev.latchkey.model.UserChangeResponse;
import dev.latchkey.model.UserCreateRequest;
import dev.latchkey.model.UserCreateResponse;
import dev.latchkey.model.UserDeleteResponse;
import dev.latchkey.model.UserUpdateRequest;
import dev.latchkey.model.UserUpdateResponse;
import dev.latchkey.model.WebAuthnAuthenticateRequest;
import dev.latchkey.model.WebAuthnAuthenticateResponse;
import dev.latchkey.model.WebAuthnAuthenticateStartRequest;
import dev.latchkey.model.WebAuthnAuthenticateStartResponse;
import dev.latchkey.model.WebAuthnCredentialsResponse;
import dev.latchkey.model.WebAuthnRegisterRequest;
import dev.latchkey.model.WebAuthnRegisterStartRequest;
import dev.latchkey.model.WebAuthnRegisterStartResponse;
import dev.latchkey.model.WebAuthnUpdateResponse;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What each route takes and answers, for {@code GET /openapi.json}: its credentials, the record its body is read
 * into, the record its success reply is written from, and its query parameters. The schemas themselves are derived
 * from those records ({@link WireSchemas}), so a field added to a record is in the document at once.
 *
 * <p>A new route needs one line here: {@code OpenApiTest} fails, naming it, for any registered route without one
 * (and for a line without a route), and checks each line against the docs' executed examples and against the live
 * server (a route said to need credentials refuses a request without them; one said to be public does not).
 */
final class ApiCatalog {
  private ApiCatalog() {}

  /** The credentials a route asks for. */
  enum Auth {
    /** None: health, the public key set, the OAuth redirects, the SDK bootstrap, this document. */
    NONE,
    /** HTTP Basic {@code project_id:secret}: every {@code /v1/} route but the public ones. */
    PROJECT,
    /** HTTP Basic {@code public_token:session_token}, or {@code public_token:public_token} signed out. */
    PUBLIC_TOKEN,
    /** HTTP Basic {@code public_token:session_token} of a live session. */
    SESSION,
    /** {@code Authorization: Bearer <LATCHKEY_METRICS_TOKEN>}. */
    METRICS_TOKEN
  }

  /** What a success looks like. */
  sealed interface Reply permits Json, FlatUser, Redirect, Text, OpenApi {}

  /** A JSON reply written from this record (wrapped in {@code {"data": ...}} on {@code /sdk/v1}). */
  record Json(Type type) implements Reply {}

  /** Stytch's flat user: {@code status_code}, {@code request_id} and the user's fields side by side. */
  record FlatUser() implements Reply {}

  /** A redirect (the browser legs of OAuth): these statuses, with a {@code Location}. */
  record Redirect(List<Integer> statuses) implements Reply {}

  /** A body in another format, such as Prometheus' text format. */
  record Text(String mediaType) implements Reply {}

  /** This document itself. */
  record OpenApi() implements Reply {}

  /** One route. {@code request} is null for a route without a body; {@code query} names its query parameters. */
  record Operation(Auth auth, Type request, Reply reply, List<String> query, String formBody) {
    Operation {
      query = List.copyOf(query);
    }
  }

  // The replies the handlers build as maps or trees, described by the records they would be.

  /** {@code /healthz} and {@code /readyz}. */
  record Status(int statusCode, String requestId, String status) {}

  /** {@code POST /v1/users/search}. */
  record SearchRequest(Integer limit, String cursor, SearchQuery query) {}

  record SearchQuery(String operator, List<SearchOperand> operands) {}

  record SearchOperand(String filterName, Object filterValue) {}

  record SearchReply(int statusCode, String requestId, List<User> results, SearchMetadata resultsMetadata) {}

  record SearchMetadata(int total, String nextCursor) {}

  /** {@code GET /v1/dev/outbox}. */
  record Outbox(int statusCode, String requestId, List<OutboxMail> messages) {}

  record OutboxMail(Instant sentAt, String to, String subject, String link, String token, String code) {}

  /** Reply strings that may be null (every other reply string is at least {@code ""}). */
  static final Set<String> NULLABLE_STRINGS = Set.of("external_id", "lock_created_at", "lock_expires_at",
      "next_cursor", "link", "token", "code", "cname_domain", "slug_pattern");

  /** The property {@code __user} of the SDK's user-changing replies holds the flat user. */
  static final String FLAT_USER_PROPERTY = "__user";

  /** Every route, as {@code "METHOD /path"}, in the order the server registers them. */
  static final Map<String, Operation> OPERATIONS = operations();

  private static Map<String, Operation> operations() {
    Map<String, Operation> o = new LinkedHashMap<>();
    Auth p = Auth.PROJECT;
    o.put("GET /healthz", json(Auth.NONE, null, Status.class));
    o.put("GET /readyz", json(Auth.NONE, null, Status.class));
    o.put("GET /metrics", new Operation(Auth.METRICS_TOKEN, null, new Text("text/plain"), List.of(), null));

    o.put("POST /v1/users", json(p, UserCreateRequest.class, UserCreateResponse.class));
    o.put("POST /v1/users/search", json(p, SearchRequest.class, SearchReply.class));
    o.put("DELETE /v1/users/emails/{email_id}", json(p, null, UserChangeResponse.class));
    o.put("DELETE /v1/users/passwords/{password_id}", json(p, null, UserChangeResponse.class));
    o.put("GET /v1/users/{user_id}", new Operation(p, null, new FlatUser(), List.of(), null));
    o.put("PUT /v1/users/{user_id}", json(p, UserUpdateRequest.class, UserUpdateResponse.class));
    o.put("DELETE /v1/users/{user_id}", json(p, null, UserDeleteResponse.class));
    o.put("DELETE /v1/users/{user_id}/external_id", json(p, null, UserChangeResponse.class));

    o.put("POST /v1/passwords", json(p, PasswordCreateRequest.class, PasswordCreateResponse.class));
    o.put("POST /v1/passwords/authenticate", json(p, PasswordAuthenticateRequest.class, AuthenticateResponse.class));
    o.put("POST /v1/passwords/strength_check",
        json(p, PasswordStrengthCheckRequest.class, PasswordStrengthCheckResponse.class));
    o.put("POST /v1/passwords/email/reset/start", json(p, PasswordResetStartRequest.class, EmailSendResponse.class));
    o.put("POST /v1/passwords/email/reset", json(p, PasswordResetRequest.class, AuthenticateResponse.class));
    o.put("POST /v1/passwords/migrate", json(p, PasswordMigrateRequest.class, PasswordMigrateResponse.class));
    o.put("POST /v1/passwords/existing_password/reset",
        json(p, PasswordRoutes.ExistingPasswordReset.class, AuthenticateResponse.class));
    o.put("POST /v1/passwords/session/reset", json(p, PasswordRoutes.SessionReset.class, AuthenticateResponse.class));

    o.put("POST /v1/magic_links/email/login_or_create",
        json(p, MagicLinkEmailRequest.class, EmailLoginOrCreateResponse.class));
    o.put("POST /v1/magic_links/email/send", json(p, MagicLinkEmailRequest.class, EmailSendResponse.class));
    o.put("POST /v1/magic_links/authenticate",
        json(p, MagicLinkAuthenticateRequest.class, FactorAuthenticateResponse.class));
    o.put("POST /v1/otps/email/login_or_create", json(p, OtpEmailRequest.class, EmailLoginOrCreateResponse.class));
    o.put("POST /v1/otps/email/send", json(p, OtpEmailRequest.class, EmailSendResponse.class));
    o.put("POST /v1/otps/authenticate", json(p, OtpAuthenticateRequest.class, FactorAuthenticateResponse.class));
    o.put("GET /v1/dev/outbox", new Operation(p, null, new Json(Outbox.class), List.of("email", "limit"), null));

    o.put("POST /v1/sessions/authenticate", json(p, SessionAuthenticateRequest.class, AuthenticateResponse.class));
    o.put("POST /v1/sessions/revoke", json(p, SessionRevokeRequest.class, RevokeResponse.class));
    o.put("POST /v1/sessions/revoke_others",
        json(p, SessionRevokeOthersRequest.class, RevokeOthersResponse.class));
    o.put("POST /v1/sessions/revoke_bulk",
        json(p, SessionRoutes.RevokeBulkRequest.class, SessionRoutes.RevokeBulkResponse.class));
    // Server-Sent Events (resumed with the Last-Event-ID header); docs/api.md "Session events" gives the events.
    o.put("GET /v1/sessions/events", new Operation(p, null, new Text("text/event-stream"), List.of(), null));
    o.put("GET /v1/sessions", new Operation(p, null, new Json(SessionListResponse.class), List.of("user_id"), null));
    o.put("GET /v1/sessions/jwks/{project_id}", json(Auth.NONE, null, JwksResponse.class));
    o.put("POST /v1/sessions/migrate", json(p, SessionMigrateRequest.class, AuthenticateResponse.class));

    Auth session = Auth.SESSION;
    Auth token = Auth.PUBLIC_TOKEN;
    o.put("POST /sdk/v1/sessions/revoke_others", json(session, null, RevokeOthersResponse.class));
    o.put("GET /sdk/v1/sessions/events", new Operation(session, null, new Text("text/event-stream"),
        List.of("wait_seconds"), null));
    o.put("POST /sdk/v1/sessions/authenticate", json(session, SdkRoutes.AuthenticateRequest.class,
        AuthenticateResponse.class));
    o.put("POST /sdk/v1/sessions/revoke", json(session, null, RevokeResponse.class));
    o.put("GET /sdk/v1/users/me", new Operation(session, null, new FlatUser(), List.of(), null));
    o.put("PUT /sdk/v1/users/me", json(session, SdkRoutes.UpdateMeRequest.class, SdkRoutes.UpdateMeResponse.class));
    o.put("POST /sdk/v1/passwords", json(token, SdkRoutes.PasswordRequest.class, PasswordCreateResponse.class));
    o.put("POST /sdk/v1/passwords/authenticate",
        json(token, SdkRoutes.PasswordRequest.class, AuthenticateResponse.class));
    o.put("GET /sdk/v1/projects/bootstrap/{public_token}", json(Auth.NONE, null, SdkRoutes.Bootstrap.class));
    o.put("POST /sdk/v1/events", json(Auth.NONE, Object.class, RevokeResponse.class));

    o.put("POST /sdk/v1/magic_links/email/login_or_create",
        json(token, SdkFactorRoutes.MagicLinkSend.class, SdkFactorRoutes.Sent.class));
    o.put("POST /sdk/v1/magic_links/email/send/primary",
        json(token, SdkFactorRoutes.MagicLinkSend.class, SdkFactorRoutes.Sent.class));
    o.put("POST /sdk/v1/magic_links/email/send/secondary",
        json(session, SdkFactorRoutes.MagicLinkSend.class, SdkFactorRoutes.Sent.class));
    o.put("POST /sdk/v1/magic_links/authenticate",
        json(token, SdkFactorRoutes.MagicLinkAuthenticate.class, FactorAuthenticateResponse.class));
    o.put("POST /sdk/v1/otps/email/login_or_create",
        json(token, SdkFactorRoutes.OtpSend.class, SdkFactorRoutes.CodeSent.class));
    o.put("POST /sdk/v1/otps/email/send/primary",
        json(token, SdkFactorRoutes.OtpSend.class, SdkFactorRoutes.CodeSent.class));
    o.put("POST /sdk/v1/otps/email/send/secondary",
        json(session, SdkFactorRoutes.OtpSend.class, SdkFactorRoutes.CodeSent.class));
    o.put("POST /sdk/v1/otps/authenticate",
        json(token, SdkFactorRoutes.OtpAuthenticate.class, FactorAuthenticateResponse.class));
    o.put("POST /sdk/v1/totps", json(session, SdkFactorRoutes.TotpCreate.class, SdkFactorRoutes.TotpCreated.class));
    o.put("POST /sdk/v1/totps/authenticate",
        json(session, SdkFactorRoutes.TotpAuthenticate.class, TotpAuthenticateResponse.class));
    o.put("POST /sdk/v1/totps/recovery_codes", json(session, null, SdkFactorRoutes.RecoveryCodes.class));
    o.put("POST /sdk/v1/totps/recover",
        json(session, SdkFactorRoutes.TotpRecover.class, TotpAuthenticateResponse.class));
    o.put("POST /sdk/v1/passwords/strength_check",
        json(token, PasswordStrengthCheckRequest.class, PasswordStrengthCheckResponse.class));
    o.put("POST /sdk/v1/passwords/email/reset/start",
        json(token, SdkFactorRoutes.ResetStart.class, SdkFactorRoutes.Sent.class));
    o.put("POST /sdk/v1/passwords/email/reset", json(token, SdkFactorRoutes.Reset.class, AuthenticateResponse.class));
    o.put("POST /sdk/v1/passwords/existing_password/reset",
        json(token, SdkFactorRoutes.ExistingPasswordReset.class, AuthenticateResponse.class));
    o.put("POST /sdk/v1/passwords/session/reset",
        json(session, SdkFactorRoutes.SessionReset.class, AuthenticateResponse.class));

    o.put("POST /v1/totps", json(p, TotpCreateRequest.class, TotpCreateResponse.class));
    o.put("POST /v1/totps/authenticate", json(p, TotpAuthenticateRequest.class, TotpAuthenticateResponse.class));
    o.put("POST /v1/totps/recovery_codes", json(p, TotpRecoveryCodesRequest.class, TotpRecoveryCodesResponse.class));
    o.put("POST /v1/totps/recover", json(p, TotpRecoverRequest.class, TotpAuthenticateResponse.class));
    o.put("DELETE /v1/users/totps/{totp_id}", json(p, null, UserChangeResponse.class));

    List<String> start = List.of("public_token", "login_redirect_url", "signup_redirect_url", "custom_scopes",
        "code_challenge", "oauth_attach_token");
    o.put("GET /v1/public/oauth/{provider}/start",
        new Operation(Auth.NONE, null, new Redirect(List.of(302)), start, null));
    o.put("GET /v1/public/oauth/callback/{provider}",
        new Operation(Auth.NONE, null, new Redirect(List.of(302)), List.of("state", "code", "error"), null));
    o.put("POST /v1/public/oauth/callback/{provider}",
        new Operation(Auth.NONE, null, new Redirect(List.of(303)), List.of(), "state code error"));
    String endpoint = "/v1/webhooks/endpoints/{endpoint_id}";
    o.put("POST /v1/webhooks/endpoints",
        json(p, WebhookRoutes.EndpointRequest.class, WebhookRoutes.SecretResponse.class));
    o.put("GET /v1/webhooks/endpoints", json(p, null, WebhookRoutes.EndpointListResponse.class));
    o.put("GET " + endpoint, json(p, null, WebhookRoutes.EndpointResponse.class));
    o.put("PUT " + endpoint, json(p, WebhookRoutes.EndpointRequest.class, WebhookRoutes.EndpointResponse.class));
    o.put("DELETE " + endpoint, json(p, null, WebhookRoutes.DeletedResponse.class));
    o.put("POST " + endpoint + "/rotate_secret",
        json(p, WebhookRoutes.RotateRequest.class, WebhookRoutes.SecretResponse.class));
    o.put("GET " + endpoint + "/dead_letters", json(p, null, WebhookRoutes.DeadLettersResponse.class));
    o.put("POST " + endpoint + "/dead_letters/replay",
        json(p, WebhookRoutes.ReplayRequest.class, WebhookRoutes.ReplayResponse.class));
    // The landing page of a new-device mail's link: HTML for a person, the token in the query or the form.
    o.put("GET /v1/public/sessions/revoke",
        new Operation(Auth.NONE, null, new Text("text/html"), List.of("token"), null));
    o.put("POST /v1/public/sessions/revoke", new Operation(Auth.NONE, null, new Text("text/html"), List.of(),
        "token"));
    o.put("POST /v1/oauth/authenticate", json(p, OAuthAuthenticateRequest.class, OAuthAuthenticateResponse.class));
    o.put("POST /v1/oauth/attach", json(p, OAuthAttachRequest.class, OAuthAttachResponse.class));
    o.put("DELETE /v1/users/oauth/{oauth_user_registration_id}", json(p, null, UserChangeResponse.class));
    o.put("POST /sdk/v1/oauth/authenticate",
        json(token, OAuthRoutes.SdkAuthenticate.class, OAuthAuthenticateResponse.class));

    o.put("DELETE /sdk/v1/users/emails/{email_id}", json(session, null, SdkUserFactorRoutes.DeleteResponse.class));

    o.put("POST /v1/webauthn/register/start",
        json(p, WebAuthnRegisterStartRequest.class, WebAuthnRegisterStartResponse.class));
    o.put("POST /v1/webauthn/register", json(p, WebAuthnRegisterRequest.class, WebAuthnAuthenticateResponse.class));
    o.put("POST /v1/webauthn/authenticate/start",
        json(p, WebAuthnAuthenticateStartRequest.class, WebAuthnAuthenticateStartResponse.class));
    o.put("POST /v1/webauthn/authenticate",
        json(p, WebAuthnAuthenticateRequest.class, WebAuthnAuthenticateResponse.class));
    o.put("PUT /v1/webauthn/{webauthn_registration_id}", json(p, WebAuthnRoutes.Update.class,
        WebAuthnUpdateResponse.class));
    o.put("GET /v1/webauthn/credentials/{user_id}/{domain}", json(p, null, WebAuthnCredentialsResponse.class));
    o.put("DELETE /v1/users/webauthn_registrations/{webauthn_registration_id}",
        json(p, null, UserChangeResponse.class));
    o.put("POST /sdk/v1/webauthn/register/start",
        json(session, WebAuthnRoutes.SdkRegisterStart.class, WebAuthnRegisterStartResponse.class));
    o.put("POST /sdk/v1/webauthn/register",
        json(session, WebAuthnRoutes.SdkCredential.class, WebAuthnAuthenticateResponse.class));
    o.put("POST /sdk/v1/webauthn/authenticate/start/primary",
        json(token, WebAuthnRoutes.SdkAuthenticateStart.class, WebAuthnAuthenticateStartResponse.class));
    o.put("POST /sdk/v1/webauthn/authenticate/start/secondary",
        json(session, WebAuthnRoutes.SdkAuthenticateStart.class, WebAuthnAuthenticateStartResponse.class));
    o.put("POST /sdk/v1/webauthn/authenticate",
        json(token, WebAuthnRoutes.SdkCredential.class, WebAuthnAuthenticateResponse.class));
    o.put("PUT /sdk/v1/webauthn/update/{webauthn_registration_id}",
        json(session, WebAuthnRoutes.Update.class, WebAuthnUpdateResponse.class));

    o.put(OpenApiRoutes.ROUTE, new Operation(Auth.NONE, null, new OpenApi(), List.of(), null));
    return java.util.Collections.unmodifiableMap(o);
  }

  private static Operation json(Auth auth, Type request, Type reply) {
    return new Operation(auth, request, new Json(reply), List.of(), null);
  }

  /** The registered routes this catalog has no line for, in registration order. */
  static List<String> undescribed(List<String> routes) {
    List<String> missing = new ArrayList<>();
    for (String route : routes) {
      if (!OPERATIONS.containsKey(route)) {
        missing.add(route);
      }
    }
    return missing;
  }
}
