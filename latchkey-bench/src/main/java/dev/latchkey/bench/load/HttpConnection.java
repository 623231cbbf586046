package dev.latchkey.bench.load;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One keep-alive HTTP/1.1 connection over a plain socket, used by one driver thread. Deliberately minimal — a
 * request is prebuilt bytes, a reply is a status line, headers with {@code Content-Length}, and a body — so the
 * driver spends as little CPU as it can: no pooling, futures or header maps per call, because on a 2-core box every
 * cycle the driver uses is taken from the server under test.
 */
final class HttpConnection implements AutoCloseable {
  /** Replies larger than this are a harness bug (Latchkey's replies are a few KB). */
  private static final int MAX_BODY = 1 << 20;
  private static final int CONNECT_TIMEOUT_MS = 5_000;
  /** A reply slower than this is a failure: the server is stuck, not slow. */
  private static final int READ_TIMEOUT_MS = 60_000;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final byte[] line = new byte[8192];

  HttpConnection(String host, int port) throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(READ_TIMEOUT_MS);
    socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
    in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
    out = socket.getOutputStream();
  }

  /** A reply: status and body; {@code body} is null unless the caller asked to keep it. */
  record Reply(int status, byte[] body) {
    String text() {
      return body == null ? "" : new String(body, StandardCharsets.UTF_8);
    }
  }

  /** Sends one request and reads its reply; the body is kept only when {@code keepBody} (else it is skipped). */
  Reply exchange(byte[] request, boolean keepBody) throws IOException {
    out.write(request);
    out.flush();
    String statusLine = readLine();
    // "HTTP/1.1 200 OK"
    if (statusLine.length() < 12 || !statusLine.startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP reply: " + statusLine);
    }
    int status = Integer.parseInt(statusLine, 9, 12, 10);
    int length = -1;
    boolean close = false;
    for (String header = readLine(); !header.isEmpty(); header = readLine()) {
      int colon = header.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = header.substring(0, colon).trim();
      if (name.equalsIgnoreCase("Content-Length")) {
        length = Integer.parseInt(header.substring(colon + 1).trim());
      } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
        throw new IOException("chunked replies are not supported by the load driver: " + header);
      } else if (name.equalsIgnoreCase("Connection") && header.substring(colon + 1).trim().equalsIgnoreCase("close")) {
        close = true;
      }
    }
    if (length < 0 || length > MAX_BODY) {
      throw new IOException("reply without a usable Content-Length (" + length + ")");
    }
    byte[] body = keepBody ? in.readNBytes(length) : null;
    if (keepBody && body.length != length) {
      throw new EOFException("reply body cut short");
    }
    if (!keepBody) {
      in.skipNBytes(length);
    }
    if (close) {
      throw new IOException("the server closed the connection (status " + status + ")");
    }
    return new Reply(status, body);
  }

  private String readLine() throws IOException {
    int n = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed by the server");
      }
      if (b == '\n') {
        break;
      }
      if (n == line.length) {
        throw new IOException("header line too long");
      }
      line[n++] = (byte) b;
    }
    if (n > 0 && line[n - 1] == '\r') {
      n--;
    }
    return new String(line, 0, n, StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // Nothing to do: the connection is being thrown away.
    }
  }
}
