package dev.latchkey.server.factor.oauth;

import dev.latchkey.server.factor.Pkce;
import dev.latchkey.server.factor.RateLimiter;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.latchkey.model.Attributes;
import dev.latchkey.model.AuthenticationFactor;
import dev.latchkey.model.OAuthAttachRequest;
import dev.latchkey.model.OAuthAuthenticateRequest;
import dev.latchkey.model.OAuthProviderValues;
import dev.latchkey.model.User;
import dev.latchkey.model.WireJson;
import dev.latchkey.server.config.OAuthSettings;
import dev.latchkey.server.crypto.Ids;
import dev.latchkey.server.crypto.KeyEncryption;
import dev.latchkey.server.crypto.Secrets;
import dev.latchkey.server.error.ApiException;
import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.session.CustomClaims;
import dev.latchkey.server.session.IssuedSession;
import dev.latchkey.server.session.SessionService;
import dev.latchkey.server.store.DuplicateKeyException;
import dev.latchkey.server.store.OAuthStore;
import dev.latchkey.server.store.UserRecord;
import dev.latchkey.server.store.UserStore;
import dev.latchkey.server.user.UserService;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Stytch's consumer OAuth flow. {@link #start} keeps a single-use state (CSRF state and nonce, PKCE towards the
 * provider, the app's own {@code code_challenge}) and sends the browser to the provider; {@link #callback} spends
 * the state, exchanges the code, finds or creates the user (a provider account already linked; else an attach
 * token's user; else the user with that email, only when the provider verified it) and sends the browser back to the
 * app with a single-use token; {@link #authenticate} spends that token and signs in, or steps up a session, like
 * every other method. States and tokens are stored as SHA-256 hashes; the provider's tokens are sealed.
 */
public final class OAuthService {
  /** How long a user may take at the provider between start and callback. */
  public static final Duration STATE_LIFETIME = Duration.ofMinutes(10);
  /** How long the app has to authenticate the token it was redirected with. */
  public static final Duration TOKEN_LIFETIME = Duration.ofMinutes(10);
  /** How long an attach token waits for the provider's start. */
  public static final Duration ATTACH_LIFETIME = Duration.ofMinutes(10);
  public static final List<String> PROVIDERS = List.of("google", "microsoft", "apple", "github", "oidc");
  /** 33 random bytes: 264 bits, a 44-character token like the session tokens. */
  private static final int TOKEN_BYTES = 33;
  private static final Pattern PROVIDER_PARAMETER = Pattern.compile("[a-z][a-z0-9_]{0,63}");
  /** What the app may not set through {@code provider_*}: the protocol's own parameters. */
  private static final Set<String> RESERVED_PARAMETERS = Set.of("client_id", "client_secret", "redirect_uri",
      "response_type", "response_mode", "scope", "state", "nonce", "code_challenge", "code_challenge_method");

  private final Map<String, Provider> providers;
  private final List<String> redirectUrls;
  private final OAuthStore store;
  private final UserStore userStore;
  private final UserService users;
  private final SessionService sessions;
  private final KeyEncryption encryption;
  private final RateLimiter limiter;
  private final Ids ids;
  private final Clock clock;

  public OAuthService(OAuthSettings settings, List<String> redirectUrls, OAuthStore store, UserStore userStore,
      UserService users, SessionService sessions, KeyEncryption encryption, RateLimiter limiter, Ids ids,
      Clock clock) {
    ProviderHttp http = new ProviderHttp();
    Map<String, Provider> configured = new LinkedHashMap<>();
    for (OAuthSettings.Provider p : settings.providers()) {
      configured.put(p.name(), switch (p.name()) {
        case "google" -> new OidcProvider("google", "Google", "openid email profile", p.baseUrl(), p.clientId(),
            p.clientSecret(), Map.of(), http, clock);
        case "microsoft" -> new OidcProvider("microsoft", "Microsoft", "openid email profile", p.baseUrl(),
            p.clientId(), p.clientSecret(), Map.of(), http, clock);
        // Apple posts its callback (response_mode=form_post) when the name or email is asked for.
        case "apple" -> new OidcProvider("apple", "Apple", "openid email name", p.baseUrl(), p.clientId(),
            p.clientSecret(), Map.of("response_mode", "form_post"), http, clock);
        case "github" -> new GitHubProvider(p.baseUrl(), p.apiUrl(), p.clientId(), p.clientSecret(), http, clock);
        default -> new OidcProvider("oidc", "OIDC", "openid email profile", p.baseUrl(), p.clientId(),
            p.clientSecret(), Map.of(), http, clock);
      });
    }
    this.providers = Map.copyOf(configured);
    this.redirectUrls = List.copyOf(redirectUrls);
    this.store = store;
    this.userStore = userStore;
    this.users = users;
    this.sessions = sessions;
    this.encryption = encryption;
    this.limiter = limiter;
    this.ids = ids;
    this.clock = clock;
  }

  /** What {@code GET /v1/public/oauth/{provider}/start} asks for; {@code callbackBase} is Latchkey's own URL. */
  public record StartRequest(String provider, String loginRedirectUrl, String signupRedirectUrl, String customScopes,
      String codeChallenge, String oauthAttachToken, Map<String, String> providerParameters, String callbackBase) {}

  /** Where to send the browser, and the state to bind to it (a cookie) so the callback comes from the same one. */
  public record Started(String location, String state) {
    @Override
    public String toString() {
      return "Started[state=<redacted>]";
    }
  }

  /** A finished sign-in: the user, the registration used, the provider's tokens, the session (or null). */
  public record Authenticated(UserRecord user, OAuthStore.Registration registration, OAuthProviderValues values,
      IssuedSession session) {}

  public Started start(StartRequest r) {
    Provider provider = provider(r.provider());
    String login = redirectUrl(r.loginRedirectUrl(), "login_redirect_url");
    String signup = redirectUrl(r.signupRedirectUrl(), "signup_redirect_url");
    String challenge = Pkce.challenge(r.codeChallenge());
    Map<String, String> extra = new LinkedHashMap<>();
    r.providerParameters().forEach((k, v) -> {
      if (!PROVIDER_PARAMETER.matcher(k).matches() || RESERVED_PARAMETERS.contains(k)) {
        throw ErrorCode.BAD_REQUEST.exception("provider_" + k + " may not be passed to the provider: it is not a "
            + "lower-case parameter name, or it is one Latchkey sets itself.");
      }
      extra.put(k, v);
    });
    String scopes = scopes(provider.defaultScopes(), r.customScopes());
    Instant now = now();
    String attachUserId = null;
    if (r.oauthAttachToken() != null && !r.oauthAttachToken().isEmpty()) {
      OAuthStore.AttachToken attach = store.consumeAttachToken(Secrets.sha256(r.oauthAttachToken()), now)
          .filter(t -> t.provider().equals(provider.name()))
          .orElseThrow(ErrorCode.INVALID_OAUTH_ATTACH_TOKEN::exception);
      attachUserId = attach.userId();
    }
    String state = Secrets.randomToken(TOKEN_BYTES);
    String nonce = Secrets.randomToken(TOKEN_BYTES);
    String verifier = Secrets.randomToken(48);
    String stateHash = Secrets.sha256(state);
    String redirectUri = r.callbackBase() + "/v1/public/oauth/callback/" + provider.name();
    String location = provider.authorizationUrl(redirectUri, state, nonce, Pkce.s256(verifier), scopes, extra);
    store.createState(new OAuthStore.State(stateHash, provider.name(), nonce,
        encryption.seal(verifier.getBytes(StandardCharsets.US_ASCII), stateAad(stateHash)), encryption.scheme(),
        redirectUri, challenge, login, signup, attachUserId, scopes, now, now.plus(STATE_LIFETIME)));
    return new Started(location, state);
  }

  /**
   * The provider's redirect back. {@code browserState} is the state bound to the browser at start (its cookie): a
   * callback carrying another state (a forged or planted one) is refused before anything is spent. Returns the URL
   * the browser goes to next, the app's, with {@code ?stytch_token_type=oauth&token=...}.
   */
  public String callback(String providerName, String state, String browserState, String code, String error) {
    Provider provider = provider(providerName);
    if (state == null || state.isEmpty()) {
      throw ErrorCode.OAUTH_INVALID_STATE.exception("The callback has no state: start the sign-in again.");
    }
    if (browserState == null || !Secrets.constantTimeEquals(browserState, state)) {
      throw ErrorCode.OAUTH_STATE_MISMATCH.exception();
    }
    Instant now = now();
    String stateHash = Secrets.sha256(state);
    OAuthStore.State s = store.consumeState(stateHash, now).filter(x -> x.provider().equals(provider.name()))
        .orElseThrow(ErrorCode.OAUTH_INVALID_STATE::exception);
    if (error != null && !error.isEmpty()) {
      throw ErrorCode.OAUTH_PROVIDER_ERROR.exception("The provider refused the sign-in (" + OidcProvider.safe(error)
          + ").");
    }
    if (code == null || code.isEmpty()) {
      throw ErrorCode.OAUTH_PROVIDER_ERROR.exception("The provider's callback has no code.");
    }
    String verifier = new String(encryption.open(s.providerVerifier(), s.verifierEncryption(), stateAad(stateHash)),
        StandardCharsets.US_ASCII);
    Provider.Profile profile = provider.exchange(code, verifier, s.redirectUri(), s.nonce());
    if (profile.subject() == null || profile.subject().isEmpty()) {
      throw ErrorCode.INVALID_OAUTH_ID_TOKEN.exception("The provider did not say who the user is (no subject).");
    }
    Linked linked = link(provider, profile, s.attachUserId(), now);
    String token = Secrets.randomToken(TOKEN_BYTES);
    String tokenHash = Secrets.sha256(token);
    store.createToken(new OAuthStore.Token(tokenHash, linked.user().userId(), linked.registration().registrationId(),
        linked.emailId(), s.codeChallenge(), encryption.seal(json(profile.values()), tokenAad(tokenHash)),
        encryption.scheme(), now, now.plus(TOKEN_LIFETIME)));
    String target = linked.created() ? s.signupRedirectUrl() : s.loginRedirectUrl();
    return target + (target.contains("?") ? "&" : "?") + "stytch_token_type=oauth&token="
        + URLEncoder.encode(token, StandardCharsets.UTF_8);
  }

  /**
   * Exchanges the token of a finished provider sign-in for a session. A token that is not found, or a PKCE verifier
   * that does not match, counts as a failed attempt from {@code clientIp} (the device's address on {@code /sdk/v1};
   * null on {@code /v1}, whose caller is the app's backend), like a wrong magic link: the per-IP failure limit
   * covers every sign-in method, so guessing cannot move to the one that is not counted.
   */
  public Authenticated authenticate(OAuthAuthenticateRequest r, Attributes attributes, String clientIp) {
    if (r.token() == null || r.token().isEmpty()) {
      throw ErrorCode.MISSING_REQUIRED_FIELD.exception("token is required.");
    }
    SessionService.SessionRef ref = SessionService.SessionRef.of(r.sessionToken(), r.sessionJwt());
    SessionService.checkRef(ref);
    SessionService.checkDuration(r.sessionDurationMinutes());
    CustomClaims.checkNames(r.sessionCustomClaims());
    RateLimiter.Attempt attempt = limiter.begin(clientIp, null);
    Instant now = now();
    String hash = Secrets.sha256(r.token());
    OAuthStore.Token found = store.findToken(hash, now).filter(t -> Secrets.constantTimeEquals(t.tokenHash(), hash))
        .orElseThrow(ErrorCode.OAUTH_TOKEN_NOT_FOUND::exception);
    Pkce.check(found.codeChallenge(), r.codeVerifier());
    attempt.release();
    sessions.requireOwnedBy(ref, found.userId());
    OAuthStore.Token token = store.consumeToken(hash, now).orElseThrow(ErrorCode.OAUTH_TOKEN_NOT_FOUND::exception);
    OAuthStore.Registration registration = store.findRegistrationById(token.registrationId())
        .orElseThrow(ErrorCode.OAUTH_TOKEN_NOT_FOUND::exception);
    OAuthProviderValues values = values(encryption.open(token.providerValues(), token.valuesEncryption(),
        tokenAad(hash)));
    IssuedSession session = sessions.signIn(token.userId(), AuthenticationFactor.oauth(registration.provider(),
        registration.registrationId(), registration.providerSubject(), token.emailId(), now), ref,
        r.sessionDurationMinutes(), r.sessionCustomClaims(), attributes);
    return new Authenticated(users.get(token.userId()), registration, values, session);
  }

  /** A single-use token that links the next sign-in with {@code provider} to the user named. */
  public String attach(OAuthAttachRequest r) {
    Provider provider = provider(r.provider());
    String userId = blankToNull(r.userId());
    SessionService.SessionRef ref = SessionService.SessionRef.of(r.sessionToken(), r.sessionJwt());
    int given = (userId == null ? 0 : 1) + (ref.token() == null ? 0 : 1) + (ref.jwt() == null ? 0 : 1);
    if (given != 1) {
      throw ErrorCode.BAD_REQUEST.exception("Name the user by exactly one of user_id, session_token or session_jwt.");
    }
    String owner = userId != null ? users.get(userId).userId() : sessions.resolve(ref).userId();
    String token = Secrets.randomToken(TOKEN_BYTES);
    Instant now = now();
    store.createAttachToken(new OAuthStore.AttachToken(Secrets.sha256(token), owner, provider.name(), now,
        now.plus(ATTACH_LIFETIME)));
    return token;
  }

  /** Unlinks a provider account; returns its user as it is afterwards. */
  public UserRecord deleteRegistration(String registrationId) {
    OAuthStore.Registration reg = (registrationId == null || !registrationId.startsWith("oauth-user-")
        ? Optional.<OAuthStore.Registration>empty() : store.findRegistrationById(registrationId))
        .orElseThrow(ErrorCode.OAUTH_USER_REGISTRATION_NOT_FOUND::exception);
    if (!store.deleteRegistration(reg.registrationId())) {
      throw ErrorCode.OAUTH_USER_REGISTRATION_NOT_FOUND.exception();
    }
    return users.get(reg.userId());
  }

  /** Deletes expired states and tokens; returns how many. */
  public int purgeExpired(Instant now) {
    return store.purgeExpired(now);
  }

  private record Linked(UserRecord user, OAuthStore.Registration registration, String emailId, boolean created) {}

  /**
   * Who the provider account signs in as: the user it is linked to; else the attach token's user; else, only when
   * the provider verified the email, the user with that email (or a new one). An unverified email never links to
   * an existing account; a new user made from an unverified one gets no email at all (so that whoever really owns
   * the address can never be signed in to an account this provider account also opens).
   */
  private Linked link(Provider provider, Provider.Profile p, String attachUserId, Instant now) {
    Optional<OAuthStore.Registration> existing = store.findRegistration(provider.name(), p.subject());
    if (attachUserId != null) {
      if (existing.isPresent() && !existing.get().userId().equals(attachUserId)) {
        throw ErrorCode.OAUTH_PROVIDER_ALREADY_LINKED.exception();
      }
      UserRecord user = users.get(attachUserId);
      OAuthStore.Registration reg = existing.orElseGet(() -> register(provider, p, user.userId(), now));
      return new Linked(users.get(user.userId()), reg, verifiedEmailId(user, p), false);
    }
    if (existing.isPresent()) {
      UserRecord user = users.get(existing.get().userId());
      return new Linked(user, existing.get(), verifiedEmailId(user, p), false);
    }
    String email = p.email() == null ? null : p.email().trim().toLowerCase(java.util.Locale.ROOT);
    Optional<UserRecord> byEmail = email == null ? Optional.empty() : userStore.findByEmail(email);
    if (p.emailVerified() && byEmail.isPresent()) {
      UserRecord user = byEmail.get();
      OAuthStore.Registration reg = register(provider, p, user.userId(), now);
      String emailId = verifiedEmailId(user, p);
      if (emailId != null) {
        userStore.markEmailVerified(user.userId(), emailId);
      }
      return new Linked(users.get(user.userId()), reg, emailId, false);
    }
    if (byEmail.isPresent()) {
      throw ErrorCode.OAUTH_UNVERIFIED_EMAIL.exception();
    }
    User.Name name = new User.Name(p.firstName(), null, p.lastName());
    UserRecord user;
    if (p.emailVerified() && email != null) {
      UserRecord fresh = users.newUser(email, name, false, Map.of(), Map.of(), null);
      UserRecord.StoredEmail e = fresh.emails().get(0);
      user = new UserRecord(fresh.userId(), fresh.status(), fresh.name(), fresh.trustedMetadata(),
          fresh.untrustedMetadata(), null, fresh.createdAt(),
          List.of(new UserRecord.StoredEmail(e.emailId(), e.email(), true)), null);
    } else {
      user = users.newUserWithoutEmail(name);
    }
    try {
      users.insert(user);
    } catch (ApiException e) {
      // The email was taken in the meantime: start again, to link (verified) or refuse (unverified).
      throw e.code() == ErrorCode.DUPLICATE_EMAIL ? ErrorCode.OAUTH_INVALID_STATE.exception(
          "Another sign-in created this user at the same moment: start the sign-in again.") : e;
    }
    OAuthStore.Registration reg;
    try {
      reg = register(provider, p, user.userId(), now);
    } catch (ApiException e) {
      users.delete(user.userId());
      throw e;
    }
    return new Linked(users.get(user.userId()), reg,
        user.emails().isEmpty() ? null : user.emails().get(0).emailId(), true);
  }

  private OAuthStore.Registration register(Provider provider, Provider.Profile p, String userId, Instant now) {
    OAuthStore.Registration reg = new OAuthStore.Registration(ids.oauthUserRegistration(), userId, provider.name(),
        p.subject(), provider.providerType(), p.pictureUrl() == null ? "" : p.pictureUrl(),
        p.locale() == null ? "" : p.locale(), now);
    try {
      store.createRegistration(reg);
    } catch (DuplicateKeyException e) {
      throw ErrorCode.OAUTH_PROVIDER_ALREADY_LINKED.exception();
    }
    return reg;
  }

  /** The id of the user's email the provider verified, if any. */
  private static String verifiedEmailId(UserRecord user, Provider.Profile p) {
    if (!p.emailVerified() || p.email() == null) {
      return null;
    }
    String email = p.email().trim().toLowerCase(java.util.Locale.ROOT);
    return user.emails().stream().filter(e -> e.email().equals(email)).map(UserRecord.StoredEmail::emailId)
        .findFirst().orElse(null);
  }

  private Provider provider(String name) {
    if (name == null || !PROVIDERS.contains(name)) {
      throw ErrorCode.OAUTH_PROVIDER_NOT_CONFIGURED.exception("Latchkey has no OAuth provider named '"
          + OidcProvider.safe(name) + "': use one of " + String.join(", ", PROVIDERS) + ".");
    }
    Provider p = providers.get(name);
    if (p == null) {
      throw ErrorCode.OAUTH_PROVIDER_NOT_CONFIGURED.exception("Sign-in with " + name + " is not configured on this "
          + "server: set LATCHKEY_OAUTH_" + name.toUpperCase(java.util.Locale.ROOT) + "_CLIENT_ID and _CLIENT_SECRET "
          + "(docs/oauth.md).");
    }
    return p;
  }

  /** Exactly one of {@code LATCHKEY_REDIRECT_URLS}, or the first of them when none is named. */
  private String redirectUrl(String requested, String field) {
    if (requested == null || requested.isEmpty()) {
      if (redirectUrls.isEmpty()) {
        throw ErrorCode.NO_REDIRECT_URLS_SET.exception("No " + field + " was given and the server has no default: "
            + "set LATCHKEY_REDIRECT_URLS on the server.");
      }
      return redirectUrls.get(0);
    }
    if (!redirectUrls.contains(requested)) {
      throw ErrorCode.NO_MATCH_FOR_PROVIDED_OAUTH_URL.exception(field + " is not one of the server's "
          + "LATCHKEY_REDIRECT_URLS (the match is exact: scheme, host, port, path and query).");
    }
    return requested;
  }

  private static String scopes(String defaults, String custom) {
    if (custom == null || custom.isBlank()) {
      return defaults;
    }
    StringBuilder out = new StringBuilder(defaults);
    for (String s : custom.trim().split("[ ,]+")) {
      if (!(" " + out + " ").contains(" " + s + " ")) {
        out.append(' ').append(s);
      }
    }
    return out.toString();
  }

  private static byte[] json(OAuthProviderValues values) {
    try {
      return WireJson.mapper().writeValueAsBytes(values);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("provider values could not be written", e);
    }
  }

  private static OAuthProviderValues values(byte[] json) {
    try {
      return WireJson.mapper().readValue(json, OAuthProviderValues.class);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("stored provider values could not be read", e);
    }
  }

  /** Sealed values are bound to their row: a ciphertext copied to another row does not open. */
  private static String stateAad(String stateHash) {
    return "oauth-state:" + stateHash;
  }

  private static String tokenAad(String tokenHash) {
    return "oauth-token:" + tokenHash;
  }

  private static String blankToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
