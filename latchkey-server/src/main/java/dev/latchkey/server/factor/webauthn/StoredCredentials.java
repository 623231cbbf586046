package dev.latchkey.server.factor.webauthn;

import com.yubico.webauthn.CredentialRepository;
import com.yubico.webauthn.RegisteredCredential;
import com.yubico.webauthn.data.ByteArray;
import com.yubico.webauthn.data.PublicKeyCredentialDescriptor;
import com.yubico.webauthn.data.exception.Base64UrlException;
import dev.latchkey.server.store.WebAuthnRegistrationRecord;
import dev.latchkey.server.store.WebAuthnStore;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Yubico's view of our registrations for one domain. Its "username" is our {@code user_id}; a user's handle is the
 * one stored with their registrations (the {@code user.id} their authenticators hold).
 */
final class StoredCredentials implements CredentialRepository {
  private final WebAuthnStore store;
  private final String domain;

  StoredCredentials(WebAuthnStore store, String domain) {
    this.store = store;
    this.domain = domain;
  }

  @Override
  public Set<PublicKeyCredentialDescriptor> getCredentialIdsForUsername(String userId) {
    return inDomain(store.listByUser(userId)).stream()
        .map(r -> PublicKeyCredentialDescriptor.builder().id(bytes(r.credentialId())).build())
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  @Override
  public Optional<ByteArray> getUserHandleForUsername(String userId) {
    return inDomain(store.listByUser(userId)).stream().findFirst().map(r -> bytes(r.userHandle()));
  }

  @Override
  public Optional<String> getUsernameForUserHandle(ByteArray userHandle) {
    return inDomain(store.listByUserHandle(userHandle.getBase64Url())).stream().findFirst()
        .map(WebAuthnRegistrationRecord::userId);
  }

  @Override
  public Optional<RegisteredCredential> lookup(ByteArray credentialId, ByteArray userHandle) {
    return store.findByCredentialId(credentialId.getBase64Url())
        .filter(r -> r.domain().equals(domain) && r.userHandle().equals(userHandle.getBase64Url()))
        .map(StoredCredentials::registered);
  }

  @Override
  public Set<RegisteredCredential> lookupAll(ByteArray credentialId) {
    return store.findByCredentialId(credentialId.getBase64Url()).filter(r -> r.domain().equals(domain))
        .map(r -> Set.of(registered(r))).orElse(Set.of());
  }

  private List<WebAuthnRegistrationRecord> inDomain(List<WebAuthnRegistrationRecord> all) {
    return all.stream().filter(r -> r.domain().equals(domain)).toList();
  }

  private static RegisteredCredential registered(WebAuthnRegistrationRecord r) {
    return RegisteredCredential.builder().credentialId(bytes(r.credentialId())).userHandle(bytes(r.userHandle()))
        .publicKeyCose(bytes(r.publicKeyCose())).signatureCount(r.signCount()).build();
  }

  static ByteArray bytes(String base64Url) {
    try {
      return ByteArray.fromBase64Url(base64Url);
    } catch (Base64UrlException e) {
      throw new IllegalStateException("a stored WebAuthn value is not base64url", e);
    }
  }
}
