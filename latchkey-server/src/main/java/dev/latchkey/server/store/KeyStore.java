package dev.latchkey.server.store;

import java.time.Instant;
import java.util.List;

/** Signing keys. At most one key is not retired: the one that signs. */
public interface KeyStore {
  /** All keys, newest first. */
  List<KeyRecord> all();

  /** In one transaction: retires every key still signing (at {@code at}) and inserts {@code newKey}. */
  void rotate(KeyRecord newKey, Instant at);

  /**
   * Inserts {@code key} as the signing key only if no key signs yet, and returns whether it did. Nodes starting
   * together on an empty database each try; one key results, and the others read it.
   */
  boolean createFirst(KeyRecord key);

  /** Deletes keys retired at or before {@code before}; returns how many. */
  int deleteRetiredBefore(Instant before);
}
