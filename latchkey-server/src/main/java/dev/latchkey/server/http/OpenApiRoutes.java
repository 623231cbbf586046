package dev.latchkey.server.http;

import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code GET /openapi.json}: the OpenAPI 3.1 document of every route this server registered (see
 * {@link OpenApiDocument}). Public, like {@code /healthz}: it describes the API Latchkey implements (Stytch's,
 * documented in the open), never a project's data or settings beyond which optional routes are on. Built on first
 * request, then served from memory.
 */
final class OpenApiRoutes {
  static final String ROUTE = "GET /openapi.json";
  static final String PATH = "/openapi.json";

  private final RouteTable table;
  private final AtomicReference<byte[]> document = new AtomicReference<>();

  OpenApiRoutes(RouteTable table) {
    this.table = table;
  }

  /** The document lists the table's routes as they are at the first request, when every route is registered. */
  void register() {
    table.get(PATH, ctx -> {
      byte[] bytes = document.get();
      if (bytes == null) {
        // Two first requests may both build it: the same bytes, and the second write is harmless.
        bytes = OpenApiDocument.bytes(OpenApiDocument.build(table.registered()));
        document.set(bytes);
      }
      ctx.status(200).contentType("application/json").result(bytes);
    });
  }
}
