package dev.latchkey.server.store;

import dev.latchkey.server.http.HttpApi;

/**
 * A deliberate break of the layering, imported only by {@code ArchitectureTest} to show that its rule fails on one:
 * a class in the store layer that uses the HTTP layer. (Test code: the rules check main code only.)
 */
public final class StoreThatUsesTheHttpLayer {
  private StoreThatUsesTheHttpLayer() {}

  public static void stop(HttpApi api) {
    api.stop();
  }
}
