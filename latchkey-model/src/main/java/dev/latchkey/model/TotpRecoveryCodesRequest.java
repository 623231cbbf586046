package dev.latchkey.model;

/** {@code POST /v1/totps/recovery_codes}: the unused recovery codes of the user's TOTP. */
public record TotpRecoveryCodesRequest(String userId) {}
