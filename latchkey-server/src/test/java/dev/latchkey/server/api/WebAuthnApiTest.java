package dev.latchkey.server.api;

import static dev.latchkey.server.api.Wire.assertError;
import static dev.latchkey.server.api.Wire.body;
import static dev.latchkey.server.api.Wire.payload;
import static dev.latchkey.server.api.Wire.signUp;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.server.store.WebAuthnRegistrationRecord;
import dev.latchkey.server.store.WebAuthnStore;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.ApiClient.Reply;
import dev.latchkey.server.testing.MutableClock;
import dev.latchkey.server.testing.SoftwareAuthenticator;
import dev.latchkey.server.testing.SoftwareAuthenticator.Alg;
import dev.latchkey.server.testing.SoftwareAuthenticator.Attestation;
import dev.latchkey.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code /v1/webauthn} against a real server, with a software authenticator producing real attestation and
 * assertion objects: registration and sign-in for each kind of credential, then every way a ceremony must be refused
 * (each with its documented {@code error_type}, and nothing stored).
 */
class WebAuthnApiTest {
  static final String ORIGIN = "https://app.example.com";
  static final String DOMAIN = "app.example.com";

  private MutableClock clock;
  private TestServer server;
  private ApiClient api;

  @BeforeEach
  void startServer() {
    clock = new MutableClock();
    server = TestServer.start(Map.of("LATCHKEY_WEBAUTHN_ORIGINS", ORIGIN + ",http://localhost:3000",
        "LATCHKEY_PURGE_INTERVAL", "1d"), clock);
    api = server.api();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private WebAuthnStore store() {
    return server.server().stores().webauthn();
  }

  private String newUser() {
    return signUp(api, 60).text("user_id");
  }

  private String registerStart(String userId, Object... more) {
    Object[] fields = new Object[4 + more.length];
    fields[0] = "user_id";
    fields[1] = userId;
    fields[2] = "domain";
    fields[3] = DOMAIN;
    System.arraycopy(more, 0, fields, 4, more.length);
    Reply r = api.post("/v1/webauthn/register/start", body(fields));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.text("user_id")).isEqualTo(userId);
    return r.text("public_key_credential_creation_options");
  }

  private Reply register(String userId, String credential, Object... more) {
    Object[] fields = new Object[4 + more.length];
    fields[0] = "user_id";
    fields[1] = userId;
    fields[2] = "public_key_credential";
    fields[3] = credential;
    System.arraycopy(more, 0, fields, 4, more.length);
    return api.post("/v1/webauthn/register", body(fields));
  }

  /** Registers the authenticator's credential for a new user; returns the user id. */
  private String registered(SoftwareAuthenticator authenticator, boolean passkey) {
    String userId = newUser();
    String options = registerStart(userId, "return_passkey_credential_options", passkey,
        "use_base64_url_encoding", true);
    Reply r = register(userId, authenticator.register(options, ORIGIN));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return userId;
  }

  private String authenticateStart(String userId) {
    Reply r = api.post("/v1/webauthn/authenticate/start", userId == null ? body("domain", DOMAIN)
        : body("domain", DOMAIN, "user_id", userId));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.text("public_key_credential_request_options");
  }

  private Reply authenticate(String credential, Object... more) {
    Object[] fields = new Object[2 + more.length];
    fields[0] = "public_key_credential";
    fields[1] = credential;
    System.arraycopy(more, 0, fields, 2, more.length);
    return api.post("/v1/webauthn/authenticate", body(fields));
  }

  @ParameterizedTest(name = "{0} key, {1} attestation, discoverable={2}")
  @CsvSource({"ES256, NONE, true", "ES256, PACKED, false", "RS256, NONE, false", "RS256, PACKED, true"})
  void eachKindOfCredentialRegistersAndSignsIn(Alg alg, Attestation attestation, boolean discoverable) {
    SoftwareAuthenticator authenticator = new SoftwareAuthenticator(alg, attestation, discoverable);
    String userId = newUser();
    String options = registerStart(userId, "return_passkey_credential_options", discoverable);
    JsonNode parsed = Wire.tree(options);
    assertThat(parsed.path("rp").path("id").asText()).isEqualTo(DOMAIN);
    assertThat(parsed.path("authenticatorSelection").path("residentKey").asText())
        .isEqualTo(discoverable ? "required" : "discouraged");
    Reply reg = register(userId, authenticator.register(options, ORIGIN), "session_duration_minutes", 30);
    assertThat(reg.status()).as(reg.text()).isEqualTo(200);
    String registrationId = reg.text("webauthn_registration_id");
    assertThat(registrationId).startsWith("webauthn-registration-test-");
    assertThat(reg.json().path("user").path("webauthn_registrations").get(0).path("domain").asText())
        .isEqualTo(DOMAIN);
    assertThat(reg.json().path("session").path("authentication_factors").get(0).path("type").asText())
        .isEqualTo("webauthn");

    // A discoverable credential signs in without naming the user; the other kind is listed for its user.
    Reply auth = authenticate(authenticator.authenticate(authenticateStart(discoverable ? null : userId), ORIGIN),
        "session_duration_minutes", 60);
    assertThat(auth.status()).as(auth.text()).isEqualTo(200);
    assertThat(auth.text("user_id")).isEqualTo(userId);
    assertThat(auth.text("webauthn_registration_id")).isEqualTo(registrationId);
    JsonNode factor = auth.json().path("session").path("authentication_factors").get(0);
    assertThat(factor.path("type").asText()).isEqualTo("webauthn");
    assertThat(factor.path("delivery_method").asText()).isEqualTo("webauthn_registration");
    assertThat(factor.path("webauthn_factor").path("webauthn_registration_id").asText()).isEqualTo(registrationId);
    assertThat(payload(auth.text("session_jwt")).path("https://stytch.com/session").path("authentication_factors")
        .get(0).path("webauthn_factor").path("domain").asText()).isEqualTo(DOMAIN);
    assertThat(store().findById(registrationId).orElseThrow().signCount()).isEqualTo(1);
  }

  @Test
  void optionsAreStandardBase64UnlessBase64UrlIsAsked() {
    String userId = newUser();
    String challenge = Wire.tree(registerStart(userId)).path("challenge").asText();
    assertThat(challenge).matches("[A-Za-z0-9+/]+=*");
    // The credential comes back in base64url, as browsers encode it, and is accepted either way.
    SoftwareAuthenticator authenticator = new SoftwareAuthenticator(Alg.ES256, Attestation.NONE, false);
    Reply r = register(userId, authenticator.register(registerStart(userId), ORIGIN));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
  }

  @Test
  void aStepUpAddsThePasskeyToThePasswordSession() {
    SoftwareAuthenticator authenticator = SoftwareAuthenticator.passkey();
    Reply signUp = signUp(api, 60);
    String userId = signUp.text("user_id");
    Reply reg = register(userId, authenticator.register(registerStart(userId, "return_passkey_credential_options",
        true), ORIGIN));
    assertThat(reg.status()).as(reg.text()).isEqualTo(200);
    assertThat(reg.text("session_token")).isEmpty();
    Reply auth = authenticate(authenticator.authenticate(authenticateStart(userId), ORIGIN), "session_token",
        signUp.text("session_token"));
    assertThat(auth.status()).as(auth.text()).isEqualTo(200);
    assertThat(auth.json().path("session").path("session_id").asText())
        .isEqualTo(signUp.json().path("session").path("session_id").asText());
    assertThat(auth.json().path("session").path("authentication_factors")).extracting(f -> f.path("type").asText())
        .containsExactly("password", "webauthn");
  }

  @Test
  void registrationsAreListedRenamedAndDeleted() {
    SoftwareAuthenticator authenticator = SoftwareAuthenticator.passkey();
    String userId = registered(authenticator, true);
    Reply list = api.get("/v1/webauthn/credentials/" + userId + "/" + DOMAIN);
    assertThat(list.status()).as(list.text()).isEqualTo(200);
    JsonNode credential = list.json().path("credentials").get(0);
    assertThat(credential.path("credential_id").asText()).isEqualTo(authenticator.credentialId());
    assertThat(credential.path("type").asText()).isEqualTo("public-key");
    String id = credential.path("webauthn_registration_id").asText();

    Reply renamed = api.put("/v1/webauthn/" + id, body("name", "Ada's laptop"));
    assertThat(renamed.status()).as(renamed.text()).isEqualTo(200);
    assertThat(renamed.json().path("webauthn_registration").path("name").asText()).isEqualTo("Ada's laptop");
    assertError(api.put("/v1/webauthn/" + id, body("name", " ")), 400, "empty_webauthn_registration_name");
    assertThat(api.get("/v1/users/" + userId).json().path("webauthn_registrations").get(0).path("name").asText())
        .isEqualTo("Ada's laptop");

    Reply deleted = api.delete("/v1/users/webauthn_registrations/" + id);
    assertThat(deleted.status()).as(deleted.text()).isEqualTo(200);
    assertThat(deleted.json().path("user").path("webauthn_registrations")).isEmpty();
    assertError(api.delete("/v1/users/webauthn_registrations/" + id), 404, "webauthn_registration_not_found");
    assertThat(store().listByUser(userId)).isEmpty();
  }

  @Test
  void aReplayedRegistrationChallengeIsRefused() {
    String userId = newUser();
    String options = registerStart(userId);
    SoftwareAuthenticator first = new SoftwareAuthenticator(Alg.ES256, Attestation.NONE, false);
    assertThat(register(userId, first.register(options, ORIGIN)).status()).isEqualTo(200);
    SoftwareAuthenticator second = new SoftwareAuthenticator(Alg.ES256, Attestation.NONE, false);
    assertError(register(userId, second.register(options, ORIGIN)), 400, "no_pending_webauthn_registration");
    assertThat(store().listByUser(userId)).hasSize(1);
  }

  @Test
  void aReplayedAssertionIsRefused() {
    SoftwareAuthenticator authenticator = SoftwareAuthenticator.passkey();
    String userId = registered(authenticator, true);
    String assertion = authenticator.authenticate(authenticateStart(userId), ORIGIN);
    assertThat(authenticate(assertion).status()).isEqualTo(200);
    assertError(authenticate(assertion, "session_duration_minutes", 60), 401, "unable_to_auth_webauthn_registration");
  }

  @Test
  void aChallengeStartedForAnotherUserIsRefused() {
    String ada = newUser();
    String bob = newUser();
    String adaOptions = registerStart(ada);
    SoftwareAuthenticator authenticator = new SoftwareAuthenticator(Alg.ES256, Attestation.NONE, false);
    assertError(register(bob, authenticator.register(adaOptions, ORIGIN)), 400, "no_pending_webauthn_registration");
    assertThat(store().listByUser(bob)).isEmpty();
    assertThat(store().listByUser(ada)).isEmpty();
  }

  @Test
  void aSignInChallengeCannotFinishARegistration() {
    SoftwareAuthenticator authenticator = SoftwareAuthenticator.passkey();
    String userId = registered(authenticator, true);
    SoftwareAuthenticator other = new SoftwareAuthenticator(Alg.ES256, Attestation.NONE, false);
    assertError(register(userId, other.register(authenticateStart(userId).replace("\"rpId\"", "\"x\""), ORIGIN,
        DOMAIN)), 400, "no_pending_webauthn_registration");
    assertThat(store().listByUser(userId)).hasSize(1);
  }

  @Test
  void anExpiredChallengeIsRefused() {
    String userId = newUser();
    String options = registerStart(userId);
    clock.advance(Duration.ofMinutes(5));
    SoftwareAuthenticator authenticator = new SoftwareAuthenticator(Alg.ES256, Attestation.NONE, false);
    assertError(register(userId, authenticator.register(options, ORIGIN)), 400, "no_pending_webauthn_registration");
    assertThat(store().listByUser(userId)).isEmpty();
  }

  @Test
  void anotherOriginIsRefused() {
    String userId = newUser();
    SoftwareAuthenticator authenticator = new SoftwareAuthenticator(Alg.ES256, Attestation.PACKED, false);
    assertError(register(userId, authenticator.register(registerStart(userId), "https://evil.example")), 400,
        "unable_to_register_webauthn_registration");
    assertThat(store().listByUser(userId)).isEmpty();

    SoftwareAuthenticator good = SoftwareAuthenticator.passkey();
    String ada = registered(good, true);
    assertError(authenticate(good.authenticate(authenticateStart(ada), "https://app.example.com.evil.example")),
        401, "unable_to_auth_webauthn_registration");
  }

  @Test
  void anotherRpIdIsRefused() {
    String userId = newUser();
    SoftwareAuthenticator authenticator = new SoftwareAuthenticator(Alg.ES256, Attestation.NONE, false);
    assertError(register(userId, authenticator.register(registerStart(userId), ORIGIN, "evil.example")), 400,
        "unable_to_register_webauthn_registration");
    assertThat(store().listByUser(userId)).isEmpty();

    SoftwareAuthenticator good = SoftwareAuthenticator.passkey();
    String ada = registered(good, true);
    assertError(authenticate(good.authenticate(authenticateStart(ada), ORIGIN, "example.com")), 401,
        "unable_to_auth_webauthn_registration");
  }

  @Test
  void aDomainNotServedByTheAllowedOriginsIsRefused() {
    String userId = newUser();
    for (String domain : List.of("evil.example", "example.org", "com", "https://app.example.com", "APP.example.com")) {
      Reply r = api.post("/v1/webauthn/register/start", body("user_id", userId, "domain", domain));
      assertError(r, 400, "invalid_domain");
      assertError(api.post("/v1/webauthn/authenticate/start", body("domain", domain)), 400, "invalid_domain");
    }
    // A parent domain of an allowed origin's host is a valid RP ID.
    assertThat(api.post("/v1/webauthn/register/start", body("user_id", userId, "domain", "example.com")).status())
        .isEqualTo(200);
  }

  @Test
  void withoutOriginsPasskeysAreOff() {
    try (TestServer off = TestServer.start(Map.of(), clock)) {
      String userId = signUp(off.api(), 60).text("user_id");
      assertError(off.api().post("/v1/webauthn/register/start", body("user_id", userId, "domain", DOMAIN)), 400,
          "invalid_domain");
    }
  }

  @Test
  void aTamperedAuthenticatorDataIsRefusedAtRegistration() {
    String userId = newUser();
    SoftwareAuthenticator authenticator = new SoftwareAuthenticator(Alg.ES256, Attestation.PACKED, false);
    String credential = authenticator.register(registerStart(userId), ORIGIN);
    // Flip the counter byte inside authData: the packed attestation signature no longer covers what is sent.
    byte[] attestation = SoftwareAuthenticator.responseBytes(credential, "attestationObject");
    int counter = indexOfAuthData(attestation) + 32 + 1 + 3;
    attestation[counter] ^= 0x01;
    assertError(register(userId, SoftwareAuthenticator.withResponseBytes(credential, "attestationObject",
        attestation)), 400, "unable_to_register_webauthn_registration");
    assertThat(store().listByUser(userId)).isEmpty();
  }

  @Test
  void aTamperedClientDataOrAuthenticatorDataIsRefusedAtSignIn() {
    SoftwareAuthenticator authenticator = SoftwareAuthenticator.passkey();
    String userId = registered(authenticator, true);
    String assertion = authenticator.authenticate(authenticateStart(userId), ORIGIN);
    String clientData = new String(SoftwareAuthenticator.responseBytes(assertion, "clientDataJSON"),
        StandardCharsets.UTF_8);
    assertError(authenticate(SoftwareAuthenticator.withResponseBytes(assertion, "clientDataJSON",
        clientData.replace("\"crossOrigin\":false", "\"crossOrigin\":false,\"x\":1").getBytes(StandardCharsets.UTF_8))),
        401, "unable_to_auth_webauthn_registration");

    String again = authenticator.authenticate(authenticateStart(userId), ORIGIN);
    byte[] data = SoftwareAuthenticator.responseBytes(again, "authenticatorData");
    data[36] ^= 0x01; // the counter's last byte
    assertError(authenticate(SoftwareAuthenticator.withResponseBytes(again, "authenticatorData", data)), 401,
        "unable_to_auth_webauthn_registration");
    assertThat(store().listByUser(userId).get(0).signCount()).isZero();
  }

  @Test
  void aSignatureByAnotherKeyIsRefused() {
    SoftwareAuthenticator authenticator = new SoftwareAuthenticator(Alg.RS256, Attestation.NONE, true);
    String userId = registered(authenticator, true);
    authenticator.signWith = authenticator.otherKey();
    assertError(authenticate(authenticator.authenticate(authenticateStart(userId), ORIGIN), "session_duration_minutes",
        60), 401, "unable_to_auth_webauthn_registration");
    assertThat(store().listByUser(userId).get(0).signCount()).isZero();
  }

  @Test
  void aCounterThatGoesBackIsRefusedAndRecordedAsAPossibleClone() {
    SoftwareAuthenticator authenticator = SoftwareAuthenticator.passkey();
    String userId = registered(authenticator, true);
    authenticator.signCount = 10;
    assertThat(authenticate(authenticator.authenticate(authenticateStart(userId), ORIGIN)).status()).isEqualTo(200);
    authenticator.signCount = 4;
    assertError(authenticate(authenticator.authenticate(authenticateStart(userId), ORIGIN), "session_duration_minutes",
        60), 401, "unable_to_auth_webauthn_registration");
    WebAuthnRegistrationRecord stored = store().listByUser(userId).get(0);
    assertThat(stored.signCount()).isEqualTo(11);
    assertThat(stored.cloneWarningAt()).isNotNull();
  }

  @Test
  void aCredentialOfOneUserCannotSignInAnother() {
    SoftwareAuthenticator adas = new SoftwareAuthenticator(Alg.ES256, Attestation.NONE, false);
    registered(adas, false);
    SoftwareAuthenticator bobs = new SoftwareAuthenticator(Alg.ES256, Attestation.NONE, false);
    String bob = registered(bobs, false);
    assertError(authenticate(adas.authenticate(authenticateStart(bob), ORIGIN), "session_duration_minutes", 60), 401,
        "unable_to_auth_webauthn_registration");
  }

  @Test
  void aCredentialCannotBeRegisteredTwice() {
    SoftwareAuthenticator authenticator = new SoftwareAuthenticator(Alg.ES256, Attestation.NONE, false);
    registered(authenticator, false);
    String bob = newUser();
    assertError(register(bob, authenticator.register(registerStart(bob), ORIGIN)), 400,
        "duplicate_webauthn_registration");
    assertThat(store().listByUser(bob)).isEmpty();
  }

  @Test
  void userVerificationIsRequiredForPasskeys() {
    String userId = newUser();
    SoftwareAuthenticator authenticator = SoftwareAuthenticator.passkey();
    authenticator.userVerified = false;
    assertError(register(userId, authenticator.register(registerStart(userId, "return_passkey_credential_options",
        true), ORIGIN)), 400, "unable_to_register_webauthn_registration");
    assertThat(store().listByUser(userId)).isEmpty();

    SoftwareAuthenticator verified = SoftwareAuthenticator.passkey();
    String ada = registered(verified, true);
    verified.userVerified = false;
    // A passkey sign-in names no user: without user verification it proves only possession, so it is refused.
    assertError(authenticate(verified.authenticate(authenticateStart(null), ORIGIN), "session_duration_minutes", 60),
        401, "unable_to_auth_webauthn_registration");
    assertThat(store().listByUser(ada).get(0).signCount()).isZero();
  }

  @Test
  void badCredentialsAndFieldsGetClearErrors() {
    String userId = newUser();
    assertError(register(userId, "not json"), 400, "invalid_public_key_credential");
    assertError(register(userId, "{\"id\":\"x\"}"), 400, "invalid_public_key_credential");
    assertError(register(userId, "{\"id\":\"x\",\"type\":\"public-key\",\"response\":{}}"), 400,
        "invalid_public_key_credential");
    assertError(authenticate("[]"), 400, "invalid_public_key_credential");
    assertError(api.post("/v1/webauthn/register", body("user_id", userId)), 400, "missing_required_field");
    assertError(api.post("/v1/webauthn/register/start", body("user_id", userId, "domain", DOMAIN,
        "authenticator_type", "usb")), 400, "bad_request");
    assertError(api.post("/v1/webauthn/register/start", body("user_id", userId, "domain", DOMAIN,
        "return_passkey_credential_options", "yes")), 400, "invalid_field_type");
    assertError(api.post("/v1/webauthn/authenticate/start", body("domain", DOMAIN, "user_id", userId)), 404,
        "webauthn_registration_not_found");
    assertError(api.put("/v1/webauthn/webauthn-registration-test-00000000-0000-0000-0000-000000000000",
        body("name", "x")), 404, "webauthn_registration_not_found");
  }

  /** Where authData's bytes start inside an attestation object: right after the "authData" key and its head. */
  private static int indexOfAuthData(byte[] attestation) {
    byte[] key = "authData".getBytes(StandardCharsets.US_ASCII);
    outer:
    for (int i = 0; i + key.length < attestation.length; i++) {
      for (int j = 0; j < key.length; j++) {
        if (attestation[i + j] != key[j]) {
          continue outer;
        }
      }
      int head = i + key.length;
      int info = attestation[head] & 0x1f;
      return head + 1 + (info < 24 ? 0 : info == 24 ? 1 : info == 25 ? 2 : 4);
    }
    throw new IllegalStateException("no authData");
  }
}
