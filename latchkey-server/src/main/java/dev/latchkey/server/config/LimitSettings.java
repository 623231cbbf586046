package dev.latchkey.server.config;

import java.time.Duration;

/**
 * Abuse limits, counted in fixed windows in the database so they hold across restarts and nodes: mails sent to one
 * address, mails requested for one end-user IP, failed sign-in attempts from one end-user IP (see
 * {@code limits/RateLimiter}: a backend's own address is never counted), and failed attempts against one user
 * (which lock that user's password and code sign-ins for {@code lockoutDuration}).
 */
public record LimitSettings(
    int emailSends,
    Duration emailWindow,
    int ipSends,
    Duration ipWindow,
    int ipFailures,
    Duration failureWindow,
    int lockoutThreshold,
    Duration lockoutDuration) {}
