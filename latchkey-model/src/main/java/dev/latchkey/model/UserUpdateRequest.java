package dev.latchkey.model;

import java.util.List;
import java.util.Map;

/** {@code PUT /v1/users/{user_id}}: absent fields are left as they are; metadata merges at the top level. */
public record UserUpdateRequest(
    User.Name name,
    Map<String, Object> trustedMetadata,
    Map<String, Object> untrustedMetadata,
    String externalId,
    List<String> roles) {}
