package dev.latchkey.server.store.jdbc;

import dev.latchkey.server.store.OAuthStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

final class JdbcOAuthStore implements OAuthStore {
  private static final String STATE_COLUMNS = "state_hash, provider, nonce, provider_verifier, verifier_encryption, "
      + "redirect_uri, code_challenge, login_redirect_url, signup_redirect_url, attach_user_id, scopes, created_at, "
      + "expires_at";
  private static final String TOKEN_COLUMNS = "token_hash, user_id, registration_id, email_id, code_challenge, "
      + "provider_values, values_encryption, created_at, expires_at";

  private final Jdbc jdbc;

  JdbcOAuthStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void createRegistration(Registration r) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("provider_type", r.providerType());
    details.put("provider_subject", r.providerSubject());
    details.put("profile_picture_url", r.profilePictureUrl());
    details.put("locale", r.locale());
    jdbc.update("INSERT INTO oauth_registrations (registration_id, user_id, provider, provider_subject, details, "
            + "created_at) VALUES (?, ?, ?, ?, ?, ?)", r.registrationId(), r.userId(), r.provider(),
        r.providerSubject(), JsonColumns.write(details), r.createdAt().toEpochMilli());
  }

  @Override
  public Optional<Registration> findRegistration(String provider, String providerSubject) {
    return jdbc.queryOne("SELECT * FROM oauth_registrations WHERE provider = ? AND provider_subject = ?",
        JdbcOAuthStore::registration, provider, providerSubject);
  }

  @Override
  public Optional<Registration> findRegistrationById(String registrationId) {
    return jdbc.queryOne("SELECT * FROM oauth_registrations WHERE registration_id = ?", JdbcOAuthStore::registration,
        registrationId);
  }

  @Override
  public List<Registration> registrationsOf(String userId) {
    return jdbc.query("SELECT * FROM oauth_registrations WHERE user_id = ? ORDER BY created_at, registration_id",
        JdbcOAuthStore::registration, userId);
  }

  @Override
  public boolean deleteRegistration(String registrationId) {
    return jdbc.inTransaction(c -> {
      jdbc.update(c, "DELETE FROM oauth_tokens WHERE registration_id = ?", registrationId);
      return jdbc.update(c, "DELETE FROM oauth_registrations WHERE registration_id = ?", registrationId) == 1;
    });
  }

  @Override
  public void createState(State s) {
    jdbc.update("INSERT INTO oauth_states (" + STATE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        s.stateHash(), s.provider(), s.nonce(), s.providerVerifier(), s.verifierEncryption(), s.redirectUri(),
        s.codeChallenge(), s.loginRedirectUrl(), s.signupRedirectUrl(), s.attachUserId(), s.scopes(),
        s.createdAt().toEpochMilli(), s.expiresAt().toEpochMilli());
  }

  @Override
  public Optional<State> consumeState(String stateHash, Instant now) {
    // As JdbcEmailTokenStore.consume: read, then the delete decides which of two racing requests gets the row.
    Optional<State> found = jdbc.queryOne("SELECT " + STATE_COLUMNS + " FROM oauth_states WHERE state_hash = ?",
        JdbcOAuthStore::state, stateHash);
    if (found.isEmpty() || jdbc.update("DELETE FROM oauth_states WHERE state_hash = ?", stateHash) != 1) {
      return Optional.empty();
    }
    return found.filter(s -> now.isBefore(s.expiresAt()));
  }

  @Override
  public void createToken(Token t) {
    jdbc.update("INSERT INTO oauth_tokens (" + TOKEN_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", t.tokenHash(),
        t.userId(), t.registrationId(), t.emailId(), t.codeChallenge(), t.providerValues(), t.valuesEncryption(),
        t.createdAt().toEpochMilli(), t.expiresAt().toEpochMilli());
  }

  @Override
  public Optional<Token> findToken(String tokenHash, Instant now) {
    return jdbc.queryOne("SELECT " + TOKEN_COLUMNS + " FROM oauth_tokens WHERE token_hash = ?", JdbcOAuthStore::token,
        tokenHash).filter(t -> now.isBefore(t.expiresAt()));
  }

  @Override
  public Optional<Token> consumeToken(String tokenHash, Instant now) {
    Optional<Token> found = findToken(tokenHash, now);
    if (found.isEmpty() || jdbc.update("DELETE FROM oauth_tokens WHERE token_hash = ?", tokenHash) != 1) {
      return Optional.empty();
    }
    return found;
  }

  @Override
  public void createAttachToken(AttachToken t) {
    jdbc.update("INSERT INTO oauth_attach_tokens (token_hash, user_id, provider, created_at, expires_at) "
        + "VALUES (?, ?, ?, ?, ?)", t.tokenHash(), t.userId(), t.provider(), t.createdAt().toEpochMilli(),
        t.expiresAt().toEpochMilli());
  }

  @Override
  public Optional<AttachToken> consumeAttachToken(String tokenHash, Instant now) {
    Optional<AttachToken> found = jdbc.queryOne("SELECT token_hash, user_id, provider, created_at, expires_at "
        + "FROM oauth_attach_tokens WHERE token_hash = ?", rs -> new AttachToken(rs.getString(1), rs.getString(2),
            rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)), Instant.ofEpochMilli(rs.getLong(5))), tokenHash);
    if (found.isEmpty() || jdbc.update("DELETE FROM oauth_attach_tokens WHERE token_hash = ?", tokenHash) != 1) {
      return Optional.empty();
    }
    return found.filter(t -> now.isBefore(t.expiresAt()));
  }

  @Override
  public int purgeExpired(Instant now) {
    long at = now.toEpochMilli();
    return jdbc.inTransaction(c -> jdbc.update(c, "DELETE FROM oauth_states WHERE expires_at <= ?", at)
        + jdbc.update(c, "DELETE FROM oauth_tokens WHERE expires_at <= ?", at)
        + jdbc.update(c, "DELETE FROM oauth_attach_tokens WHERE expires_at <= ?", at));
  }

  private static Registration registration(ResultSet rs) throws SQLException {
    Map<String, Object> d = JsonColumns.readMap(rs.getString("details"));
    return new Registration(rs.getString("registration_id"), rs.getString("user_id"), rs.getString("provider"),
        rs.getString("provider_subject"), text(d, "provider_type"), text(d, "profile_picture_url"),
        text(d, "locale"), Instant.ofEpochMilli(rs.getLong("created_at")));
  }

  private static State state(ResultSet rs) throws SQLException {
    return new State(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
        rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11),
        Instant.ofEpochMilli(rs.getLong(12)), Instant.ofEpochMilli(rs.getLong(13)));
  }

  private static Token token(ResultSet rs) throws SQLException {
    return new Token(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
        rs.getString(6), rs.getString(7), Instant.ofEpochMilli(rs.getLong(8)), Instant.ofEpochMilli(rs.getLong(9)));
  }

  private static String text(Map<String, Object> details, String key) {
    Object v = details.get(key);
    return v == null ? "" : v.toString();
  }
}
