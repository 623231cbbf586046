package dev.latchkey.client;

import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The listeners of one value (the session, or the user). Each remembers the last value it was told about, so it
 * is called only on a real change, never twice for the same value and never on subscribe. {@link #deliver} runs
 * on the client's one listener thread only, which keeps notifications in order.
 */
final class Listeners<T> {
  private static final System.Logger LOG = System.getLogger(Listeners.class.getName());

  private final CopyOnWriteArrayList<Entry<T>> entries = new CopyOnWriteArrayList<>();
  private final Function<T, Object> identity;

  /** {@code identity} maps a value onto what counts for "changed" (e.g. a session minus last_accessed_at). */
  Listeners(Function<T, Object> identity) {
    this.identity = identity;
  }

  Subscription add(Consumer<? super T> listener, T current) {
    Objects.requireNonNull(listener, "listener");
    Entry<T> e = new Entry<>(listener, key(current));
    entries.add(e);
    return () -> {
      e.active = false;
      entries.remove(e);
    };
  }

  void deliver(T value) {
    Object key = key(value);
    for (Entry<T> e : entries) {
      if (!e.active || Objects.equals(e.lastSeen, key)) {
        continue;
      }
      e.lastSeen = key;
      try {
        e.listener.accept(value);
      } catch (RuntimeException | Error failure) {
        // One broken listener must not starve the others, nor kill the listener thread.
        LOG.log(System.Logger.Level.WARNING, "A change listener threw; the others are still called", failure);
      }
    }
  }

  private Object key(T value) {
    return value == null ? null : identity.apply(value);
  }

  private static final class Entry<T> {
    final Consumer<? super T> listener;
    volatile Object lastSeen;
    volatile boolean active = true;

    Entry(Consumer<? super T> listener, Object lastSeen) {
      this.listener = listener;
      this.lastSeen = lastSeen;
    }
  }
}
