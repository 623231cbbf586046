package dev.latchkey.client;

/**
 * A registered change listener. {@link #unsubscribe()} is idempotent; after it returns no new notification starts
 * (one already running on the listener thread finishes).
 *
 * <pre>{@code
 * Subscription sub = client.session().onChange(session -> render(session));
 * // later
 * sub.unsubscribe();
 * }</pre>
 */
@FunctionalInterface
public interface Subscription {
  void unsubscribe();
}
