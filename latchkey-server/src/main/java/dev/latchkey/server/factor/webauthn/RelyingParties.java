package dev.latchkey.server.factor.webauthn;

import com.yubico.webauthn.RelyingParty;
import com.yubico.webauthn.data.RelyingPartyIdentity;
import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.store.WebAuthnStore;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which domains (RP IDs) and origins passkeys may use, from {@code LATCHKEY_WEBAUTHN_ORIGINS}, and Yubico's
 * {@link RelyingParty} for one domain. A domain is accepted only when it is the host of a listed origin or a parent
 * domain of one (as WebAuthn allows an RP ID to be a registrable suffix of the origin's host); the ceremony then
 * accepts exactly the listed origins under that domain. Nothing listed, nothing accepted: passkeys are off.
 */
final class RelyingParties {
  private static final Pattern HOST = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}"
      + "[a-z0-9])?)*");

  private final List<String> origins;
  private final WebAuthnStore store;
  private final Clock clock;

  RelyingParties(List<String> origins, WebAuthnStore store, Clock clock) {
    this.origins = List.copyOf(origins);
    this.store = store;
    this.clock = clock;
  }

  /** The listed origins that {@code domain} may serve; {@code invalid_domain} when there are none. */
  Set<String> originsFor(String domain) {
    if (origins.isEmpty()) {
      throw ErrorCode.INVALID_DOMAIN.exception("Passkeys are off: LATCHKEY_WEBAUTHN_ORIGINS lists no origin.");
    }
    if (domain == null || domain.isEmpty()) {
      throw ErrorCode.MISSING_REQUIRED_FIELD.exception("domain is required.");
    }
    if (domain.length() > 253 || !HOST.matcher(domain).matches()) {
      throw ErrorCode.INVALID_DOMAIN.exception("domain must be a host name in lower case, without scheme, port or "
          + "path (the RP ID, e.g. example.com).");
    }
    Set<String> matching = new LinkedHashSet<>();
    for (String origin : origins) {
      String host = URI.create(origin).getHost().toLowerCase(Locale.ROOT);
      // A parent domain must still have a dot: "com" is never a usable RP ID, whatever the origins.
      if (host.equals(domain) || (domain.contains(".") && host.endsWith("." + domain))) {
        matching.add(origin);
      }
    }
    if (matching.isEmpty()) {
      throw ErrorCode.INVALID_DOMAIN.exception("domain " + domain + " is not the host (or a parent domain of the "
          + "host) of any origin in LATCHKEY_WEBAUTHN_ORIGINS.");
    }
    return matching;
  }

  /**
   * The relying party for {@code domain}: its origins, our stored credentials for that domain, the signature counter
   * checked, and attestation not required to chain to a trusted root (self-hosted deployments keep no attestation
   * metadata; the attestation statement itself is still verified).
   */
  RelyingParty forDomain(String domain) {
    return RelyingParty.builder()
        .identity(RelyingPartyIdentity.builder().id(domain).name(domain).build())
        .credentialRepository(new StoredCredentials(store, domain))
        .origins(originsFor(domain))
        .allowUntrustedAttestation(true)
        .validateSignatureCounter(true)
        .clock(clock)
        .build();
  }
}
