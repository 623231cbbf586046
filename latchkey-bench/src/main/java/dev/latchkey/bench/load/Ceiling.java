package dev.latchkey.bench.load;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.VirtualThreadPool;

/**
 * The ceiling: a bare Jetty 12 endpoint (the Jetty version Javalin brings, requests on virtual threads as in the
 * server) that reads the request body and answers 200 with a fixed JSON body of a given size — the size of a real
 * authenticate reply. Nothing else: no routing, no auth, no JSON parsing, no database, no signature. Every HTTP
 * figure of Latchkey is reported against this one, run by the same driver with the same JVM flags.
 *
 * <p>Run as its own JVM: {@code java ... dev.latchkey.bench.load.Ceiling <port, 0 for any> <body bytes>}; it prints
 * {@code ceiling listening on <port>} when ready and runs until killed.
 */
public final class Ceiling {
  private Ceiling() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int size = Integer.parseInt(args[1]);
    ByteBuffer body = ByteBuffer.wrap(body(size)).asReadOnlyBuffer();
    VirtualThreadPool threads = new VirtualThreadPool();
    threads.setName("ceiling");
    Server server = new Server(threads);
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) throws Exception {
        // Read the whole request body, as a real endpoint must before it answers.
        Content.Source.asByteBuffer(request);
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.remaining());
        response.write(true, body.slice(), callback);
        return true;
      }
    });
    server.start();
    System.out.println("ceiling listening on " + connector.getLocalPort());
    System.out.flush();
    server.join();
  }

  /** A JSON object of exactly {@code size} bytes (at least 40) shaped like a Stytch reply. */
  static byte[] body(int size) {
    String head = "{\"status_code\":200,\"request_id\":\"ceiling\",\"padding\":\"";
    String tail = "\"}";
    int pad = Math.max(0, size - head.length() - tail.length());
    return (head + "x".repeat(pad) + tail).getBytes(StandardCharsets.UTF_8);
  }
}
