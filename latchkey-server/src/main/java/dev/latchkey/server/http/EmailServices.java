package dev.latchkey.server.http;

import dev.latchkey.server.email.EmailOtpService;
import dev.latchkey.server.email.MagicLinkService;
import dev.latchkey.server.mail.DevOutbox;
import dev.latchkey.server.password.PasswordResetService;

/**
 * The email-based sign-in services the HTTP API serves. {@code devOutbox} is null unless the dev outbox is both
 * in use (no SMTP server) and served ({@code LATCHKEY_DEV_OUTBOX=true}); only then does {@code /v1/dev/outbox} exist.
 */
public record EmailServices(MagicLinkService magicLinks, EmailOtpService otps, PasswordResetService resets,
    DevOutbox devOutbox) {}
