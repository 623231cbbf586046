package dev.latchkey.model;

import java.util.List;
import java.util.Map;

/** {@code POST /v1/users}. */
public record UserCreateRequest(
    String email,
    String phoneNumber,
    User.Name name,
    Boolean createUserAsPending,
    Map<String, Object> trustedMetadata,
    Map<String, Object> untrustedMetadata,
    String externalId,
    List<String> roles) {}
