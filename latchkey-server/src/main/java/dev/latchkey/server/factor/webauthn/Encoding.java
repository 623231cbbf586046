package dev.latchkey.server.factor.webauthn;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.latchkey.server.error.ErrorCode;
import java.util.Base64;
import java.util.List;

/**
 * The byte fields of WebAuthn's JSON, between the two encodings Stytch offers: base64url (what browsers'
 * {@code PublicKeyCredential.parseCreationOptionsFromJSON} and the browser SDK use; Yubico's library writes it) and
 * standard base64 (Stytch's default, {@code use_base64_url_encoding: false}). Credentials are accepted in either.
 */
final class Encoding {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Byte-valued members of a PublicKeyCredential's JSON (W3C {@code RegistrationResponseJSON} and friends). */
  private static final List<String> CREDENTIAL_TOP = List.of("id", "rawId");
  private static final List<String> CREDENTIAL_RESPONSE = List.of("clientDataJSON", "attestationObject",
      "authenticatorData", "signature", "userHandle", "publicKey");

  private Encoding() {}

  /** The {@code publicKey} member of Yubico's {@code toCredentials*Json}, its byte fields in base64 unless url. */
  static String options(String credentialsJson, boolean base64Url) {
    try {
      ObjectNode publicKey = (ObjectNode) JSON.readTree(credentialsJson).get("publicKey");
      if (!base64Url) {
        toBase64(publicKey, "challenge");
        if (publicKey.get("user") instanceof ObjectNode user) {
          toBase64(user, "id");
        }
        for (String list : List.of("excludeCredentials", "allowCredentials")) {
          if (publicKey.get(list) != null) {
            for (JsonNode descriptor : publicKey.get(list)) {
              toBase64((ObjectNode) descriptor, "id");
            }
          }
        }
      }
      return JSON.writeValueAsString(publicKey);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the library's options could not be read back", e);
    }
  }

  /**
   * The credential JSON with every byte field in base64url, as Yubico's parser wants it; a credential that is not
   * a JSON object is {@code invalid_public_key_credential}.
   */
  static String credential(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw ErrorCode.INVALID_PUBLIC_KEY_CREDENTIAL.exception(
          "public_key_credential is not JSON: send the JSON text of the PublicKeyCredential.");
    }
    if (!(root instanceof ObjectNode credential) || !(credential.get("response") instanceof ObjectNode response)) {
      throw ErrorCode.INVALID_PUBLIC_KEY_CREDENTIAL.exception(
          "public_key_credential must be a JSON object with id, rawId, type and response.");
    }
    CREDENTIAL_TOP.forEach(f -> toBase64Url(credential, f));
    CREDENTIAL_RESPONSE.forEach(f -> toBase64Url(response, f));
    return credential.toString();
  }

  /**
   * The library's serialised request with its challenge blanked, for storage: the challenge is kept only as the
   * hash the ceremony is found by, and put back from the client data (which hashes to that key) at the finish.
   */
  static String withoutChallenge(String requestJson) {
    return withChallenge(requestJson, "");
  }

  /** {@code requestJson} with its challenge set to {@code challengeBase64Url}. */
  static String withChallenge(String requestJson, String challengeBase64Url) {
    try {
      ObjectNode root = (ObjectNode) JSON.readTree(requestJson);
      ObjectNode holder = root.get("publicKeyCredentialRequestOptions") instanceof ObjectNode o ? o : root;
      if (!holder.has("challenge")) {
        throw new IllegalStateException("the library's request has no challenge where expected");
      }
      holder.put("challenge", challengeBase64Url);
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the library's request could not be read back", e);
    }
  }

  private static void toBase64(ObjectNode node, String field) {
    if (node.get(field) instanceof TextNode t) {
      node.put(field, Base64.getEncoder().encodeToString(Base64.getUrlDecoder().decode(t.asText())));
    }
  }

  private static void toBase64Url(ObjectNode node, String field) {
    if (node.get(field) instanceof TextNode t) {
      node.put(field, t.asText().replace('+', '-').replace('/', '_').replace("=", ""));
    }
  }
}
