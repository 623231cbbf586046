package dev.latchkey.server.store;

import java.time.Instant;
import java.util.List;

/** Signing keys. At most one key is not retired: the one that signs. */
public interface KeyStore {
  /** All keys, newest first. */
  List<StoredKey> all();

  /** In one transaction: retires every key still signing (at {@code at}) and inserts {@code newKey}. */
  void rotate(StoredKey newKey, Instant at);

  /** Deletes keys retired at or before {@code before}; returns how many. */
  int deleteRetiredBefore(Instant before);
}
