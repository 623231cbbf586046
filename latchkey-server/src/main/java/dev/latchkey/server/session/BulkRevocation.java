package dev.latchkey.server.session;

import dev.latchkey.model.AuthenticationFactor;
import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.store.SessionEvent;
import dev.latchkey.server.store.SessionEventStore;
import dev.latchkey.server.store.SessionRecord;
import dev.latchkey.server.store.SessionScan;
import dev.latchkey.server.store.SessionStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Revoking sessions by criteria ({@code POST /v1/sessions/revoke_bulk}): user ids, started before a time, signed in
 * with a factor type, from an IP range; all given criteria must hold. A dry run counts the matches and returns a
 * sample; the real run revokes every match through the store (each with its {@code session.revoked} event), a page at
 * a time, so a large match never sits in memory. Either run is audited with a {@code sessions.bulk_revoke} event.
 * At least one criterion is required: an empty request never means "every session".
 */
public final class BulkRevocation {
  /** Factor types a session can have been signed in with (the {@code type} of its authentication factors). */
  public static final Set<String> FACTOR_TYPES = Set.of("password", "magic_link", "otp", "totp", "recovery_codes",
      "oauth", "webauthn", "imported");
  static final int MAX_USER_IDS = 1000;
  static final int SAMPLE = 20;
  private static final int PAGE = 500;

  private final SessionStore sessions;
  private final SessionEventStore events;
  private final Clock clock;

  public BulkRevocation(SessionStore sessions, SessionEventStore events, Clock clock) {
    this.sessions = sessions;
    this.events = events;
    this.clock = clock;
  }

  /** The criteria as given; null or empty means "not a criterion". */
  public record Criteria(List<String> userIds, Instant createdBefore, String authenticationFactorType,
      String ipRange) {}

  /** How many sessions matched (dry run) or were revoked, and up to {@value #SAMPLE} of them. */
  public record Result(boolean dryRun, long count, List<SessionRecord> sample) {}

  public Result run(Criteria c, boolean dryRun) {
    List<String> userIds = c.userIds() == null ? List.of() : c.userIds();
    String factorType = c.authenticationFactorType();
    if (userIds.isEmpty() && c.createdBefore() == null && (factorType == null || factorType.isEmpty())
        && (c.ipRange() == null || c.ipRange().isEmpty())) {
      throw ErrorCode.MISSING_REQUIRED_FIELD.exception("Give at least one of user_ids, created_before, "
          + "authentication_factor_type and ip_range: an empty request never revokes every session.");
    }
    if (userIds.size() > MAX_USER_IDS || userIds.stream().anyMatch(id -> id == null || !id.startsWith("user-"))) {
      throw ErrorCode.INVALID_USER_ID.exception("user_ids must be at most " + MAX_USER_IDS + " user ids "
          + "(user-test-... or user-live-...).");
    }
    if (factorType != null && !factorType.isEmpty() && !FACTOR_TYPES.contains(factorType)) {
      throw ErrorCode.INVALID_FIELD_TYPE.exception("Field 'authentication_factor_type' must be one of "
          + new java.util.TreeSet<>(FACTOR_TYPES) + ".");
    }
    IpRange range = c.ipRange() == null || c.ipRange().isEmpty() ? null : IpRange.parse(c.ipRange(), "ip_range");

    Instant now = clock.instant();
    long count = 0;
    List<SessionRecord> sample = new ArrayList<>();
    SessionScan.Position after = null;
    while (true) {
      List<SessionRecord> page = sessions.scan(new SessionScan(userIds, c.createdBefore(), now, after, PAGE));
      List<SessionRecord> matches = new ArrayList<>();
      for (SessionRecord s : page) {
        if ((factorType == null || factorType.isEmpty() || hasFactor(s, factorType))
            && (range == null || range.contains(s.attributes() == null ? null : s.attributes().ipAddress()))) {
          matches.add(s);
        }
      }
      if (dryRun) {
        count += matches.size();
      } else {
        count += sessions.revokeAll(matches);
      }
      for (SessionRecord s : matches) {
        if (sample.size() < SAMPLE) {
          sample.add(s);
        }
      }
      if (page.size() < PAGE) {
        break;
      }
      SessionRecord last = page.get(page.size() - 1);
      after = new SessionScan.Position(last.startedAt(), last.sessionId());
    }
    Map<String, Object> criteria = new LinkedHashMap<>();
    if (!userIds.isEmpty()) {
      criteria.put("user_ids", userIds);
    }
    if (c.createdBefore() != null) {
      criteria.put("created_before", c.createdBefore().toString());
    }
    if (factorType != null && !factorType.isEmpty()) {
      criteria.put("authentication_factor_type", factorType);
    }
    if (range != null) {
      criteria.put("ip_range", range.toString());
    }
    events.audit(SessionEvent.BULK_REVOKE, Map.of("dry_run", dryRun, "count", count, "criteria", criteria));
    return new Result(dryRun, count, List.copyOf(sample));
  }

  private static boolean hasFactor(SessionRecord s, String type) {
    for (AuthenticationFactor f : s.factors()) {
      if (type.equals(f.type())) {
        return true;
      }
    }
    return false;
  }
}
