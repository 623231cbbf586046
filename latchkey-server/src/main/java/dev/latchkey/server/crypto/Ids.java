package dev.latchkey.server.crypto;

import java.util.UUID;

/**
 * Identifiers in Stytch's formats: {@code <kind>-<live|test>-<uuid>}. A project whose id says {@code test} gets
 * test ids everywhere, like Stytch's test environment.
 */
public final class Ids {
  private final String flavor;

  private Ids(String flavor) {
    this.flavor = flavor;
  }

  public static Ids forProject(String projectId) {
    return new Ids(projectId.startsWith("project-test-") ? "test" : "live");
  }

  public static String newProjectId() {
    return "project-live-" + UUID.randomUUID();
  }

  public static String newPublicToken(String projectId) {
    return "public-token-" + (projectId.startsWith("project-test-") ? "test" : "live") + "-" + UUID.randomUUID();
  }

  public static String newSecret(String projectId) {
    return "secret-" + (projectId.startsWith("project-test-") ? "test" : "live") + "-" + Secrets.randomToken(27);
  }

  public String user() {
    return id("user");
  }

  public String session() {
    return id("session");
  }

  public String email() {
    return id("email");
  }

  public String password() {
    return id("password");
  }

  public String totp() {
    return id("totp");
  }

  public String totpRecoveryCode() {
    return id("totp-recovery-code");
  }

  /** Stytch's {@code oauth_user_registration_id}: {@code oauth-user-<flavor>-<uuid>}. */
  public String oauthUserRegistration() {
    return id("oauth-user");
  }

  public String webauthnRegistration() {
    return id("webauthn-registration");
  }

  public String jwk() {
    return id("jwk");
  }

  public String request() {
    return id("request-id");
  }

  private String id(String kind) {
    return kind + "-" + flavor + "-" + UUID.randomUUID();
  }
}
