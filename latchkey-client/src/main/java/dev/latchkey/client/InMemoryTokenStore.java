package dev.latchkey.client;

import java.util.concurrent.atomic.AtomicReference;

/** The default store: the session lives as long as the process. */
final class InMemoryTokenStore implements TokenStore {
  private final AtomicReference<StoredSession> stored = new AtomicReference<>();

  @Override
  public StoredSession load() {
    return stored.get();
  }

  @Override
  public void save(StoredSession session) {
    stored.set(session);
  }

  @Override
  public void clear() {
    stored.set(null);
  }

  @Override
  public String toString() {
    return "TokenStore.inMemory()";
  }
}
