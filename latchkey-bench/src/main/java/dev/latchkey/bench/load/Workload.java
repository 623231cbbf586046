package dev.latchkey.bench.load;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * What one scenario sends: the request bytes for each call and the status that counts as success. Implementations
 * are called from every driver thread at once, so they keep no unsynchronised state.
 */
interface Workload {
  /** The next request for a connection; null when the workload is used up (e.g. no session left to revoke). */
  byte[] request(int connection, long sequence);

  /** The HTTP status a successful call answers with. */
  default int expectedStatus() {
    return 200;
  }

  /** A {@code POST} with a JSON body and HTTP Basic credentials (null for none), as raw HTTP/1.1 bytes. */
  static byte[] post(String host, int port, String path, String basicUser, String basicPassword, String json) {
    return postWith(host, port, path, "application/json", basicUser == null ? null
        : "Basic " + Base64.getEncoder().encodeToString((basicUser + ":" + basicPassword)
            .getBytes(StandardCharsets.UTF_8)), json);
  }

  /** A {@code POST} of {@code content} with this Content-Type and Authorization (null for none), as raw bytes. */
  static byte[] postWith(String host, int port, String path, String contentType, String authorization,
      String content) {
    byte[] body = content.getBytes(StandardCharsets.UTF_8);
    StringBuilder head = new StringBuilder(256)
        .append("POST ").append(path).append(" HTTP/1.1\r\n")
        .append("Host: ").append(host).append(':').append(port).append("\r\n");
    if (authorization != null) {
      head.append("Authorization: ").append(authorization).append("\r\n");
    }
    head.append("Content-Type: ").append(contentType).append("\r\n")
        .append("Content-Length: ").append(body.length).append("\r\n\r\n");
    byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] request = new byte[headBytes.length + body.length];
    System.arraycopy(headBytes, 0, request, 0, headBytes.length);
    System.arraycopy(body, 0, request, headBytes.length, body.length);
    return request;
  }
}
