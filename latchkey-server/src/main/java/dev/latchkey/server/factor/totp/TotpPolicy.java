package dev.latchkey.server.factor.totp;

import java.time.Duration;

/**
 * Deployment choices for TOTPs: the issuer authenticator apps show, and the brute-force guard. After
 * {@code maxFailedAttempts} consecutive wrong codes (TOTP or recovery codes, counted together per registration) the
 * registration refuses every code for {@code lockout}; a right code resets the count.
 */
public record TotpPolicy(String issuer, int maxFailedAttempts, Duration lockout) {}
