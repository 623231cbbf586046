package dev.latchkey.model;

import java.util.List;
import java.util.Map;

/** {@code PUT /v1/users/{user_id}}. */
public record UserUpdateResponse(
    int statusCode,
    String requestId,
    String userId,
    List<User.Email> emails,
    List<User.PhoneNumber> phoneNumbers,
    List<Map<String, Object>> cryptoWallets,
    User user) {}
