package dev.latchkey.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.model.Session;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.TestServer;
import java.net.URI;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/** Shared test steps: users and sessions made through the server's real backend API, and client builders. */
final class Fixture {
  static final String PASSWORD = "correct horse battery staple";

  private Fixture() {}

  static LatchkeyClient.Builder client(TestServer server) {
    return LatchkeyClient.builder().baseUrl(URI.create(server.baseUrl())).publicToken(server.publicToken);
  }

  /** A client for a server that is stopped (its URL is known from the port it is configured with). */
  static LatchkeyClient.Builder client(String port, TestServer server) {
    return LatchkeyClient.builder().baseUrl(URI.create("http://127.0.0.1:" + port)).publicToken(server.publicToken);
  }

  static String newEmail() {
    return UUID.randomUUID() + "@example.com";
  }

  /** A new user with a 60-minute password session, as a backend would create it: {@code POST /v1/passwords}. */
  static JsonNode signUp(TestServer server) {
    ApiClient.Reply r = server.api().post("/v1/passwords", "{\"email\":\"" + newEmail() + "\",\"password\":\""
        + PASSWORD + "\",\"session_duration_minutes\":60}");
    if (r.status() != 200) {
      throw new AssertionError("sign-up failed: " + r.text());
    }
    return r.json();
  }

  static SessionTokens tokens(JsonNode signUp) {
    return new SessionTokens(signUp.path("session_token").asText(), signUp.path("session_jwt").asText());
  }

  /** A client holding a fresh session, loaded and confirmed by the server. */
  static SessionTokens signIn(LatchkeyClient client, TestServer server) {
    SessionTokens t = tokens(signUp(server));
    client.session().updateSession(t);
    client.session().authenticate(SessionOptions.checkOnly()).join();
    client.idle().join();
    return t;
  }

  /** Revokes a session behind the client's back, through the backend API. */
  static void revokeOnServer(TestServer server, String sessionId) {
    ApiClient.Reply r = server.api().post("/v1/sessions/revoke", "{\"session_id\":\"" + sessionId + "\"}");
    if (r.status() != 200) {
      throw new AssertionError("revoke failed: " + r.text());
    }
  }

  /** A listener that records every session it is told about ("null" for sign-out). */
  static final class Recorder<T> implements Consumer<T> {
    final BlockingQueue<Object> seen = new LinkedBlockingQueue<>();
    static final Object SIGNED_OUT = "signed out";

    @Override
    public void accept(T value) {
      seen.add(value == null ? SIGNED_OUT : value);
    }

    Object next() throws InterruptedException {
      Object v = seen.poll(20, TimeUnit.SECONDS);
      if (v == null) {
        throw new AssertionError("no notification within 20 s");
      }
      return v;
    }
  }

  static Session sessionOf(Object notification) {
    return (Session) notification;
  }

  /**
   * The failure of a future, unwrapped. A future that does not complete within 20 s, or fails with something other
   * than a client error (an Error, say), fails the test as that, rather than being passed off as a client error.
   */
  static LatchkeyClientException failure(CompletableFuture<?> f) {
    try {
      f.get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof LatchkeyClientException) {
        return (LatchkeyClientException) e.getCause();
      }
      throw new AssertionError("expected a LatchkeyClientException, got " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("the call neither failed nor succeeded within 20 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for the call", e);
    }
    throw new AssertionError("expected the call to fail");
  }
}
