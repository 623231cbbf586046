package dev.latchkey.examples;

import dev.latchkey.client.LatchkeyClient;
import dev.latchkey.client.Subscription;
import dev.latchkey.client.TotpRegistration;
import dev.latchkey.model.Session;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Shows a protected screen only while the session has two or more authentication factors; otherwise asks for a
 * second factor (or for sign-in). The browser snippet it translates:
 *
 * <pre>{@code
 * stytch.session.onChange((session) => {
 *   if (session && session.authentication_factors.length >= 2) renderSecret(); else renderStepUp();
 * });
 * }</pre>
 *
 * <p>The second factor here is an authenticator app: on {@code SECOND_FACTOR_REQUIRED} the app enrols one (once)
 * and submits the code the user types; the server adds the TOTP factor to the same session, the session listener
 * fires, and the gate opens. Nothing in the gate decides it is open but the session the server returned.
 *
 * <pre>{@code
 * try (MfaGate gate = new MfaGate(client, view -> ui.show(view))) {
 *   client.passwords().authenticate(email, password, 60).join();   // SECOND_FACTOR_REQUIRED
 *   TotpRegistration reg = gate.enrolAuthenticator().join();        // show reg.qrCode() once
 *   gate.submitTotpCode(codeTheUserTyped).join();                    // PROTECTED
 * }
 * }</pre>
 */
public final class MfaGate implements AutoCloseable {
  /** What the gate shows. */
  public enum View { SIGN_IN, SECOND_FACTOR_REQUIRED, PROTECTED }

  /** How long the stepped-up session lasts; the same as the apps' sign-ins in these examples. */
  private static final int SESSION_MINUTES = 60;
  /** Time the user has to scan the QR code and type the first code. */
  private static final int ENROL_MINUTES = 10;

  private final LatchkeyClient client;
  private final Consumer<View> render;
  private final AtomicReference<View> shown = new AtomicReference<>();
  private final Subscription subscription;

  /** Renders the current view at once, then again whenever the session changes it. */
  public MfaGate(LatchkeyClient client, Consumer<View> render) {
    this.client = Objects.requireNonNull(client, "client");
    this.render = Objects.requireNonNull(render, "render");
    show(viewFor(client.session().getSync()));
    this.subscription = client.session().onChange(session -> show(viewFor(session)));
  }

  /** The rule: no session, sign in; one factor, step up; two or more, open. */
  public static View viewFor(Session session) {
    if (session == null) {
      return View.SIGN_IN;
    }
    return session.authenticationFactors().size() >= 2 ? View.PROTECTED : View.SECOND_FACTOR_REQUIRED;
  }

  /** Registers an authenticator app for the signed-in user (first visit to the step-up screen). */
  public CompletableFuture<TotpRegistration> enrolAuthenticator() {
    return client.totps().create(ENROL_MINUTES);
  }

  /** The code the user typed; when the server accepts it, the session changes and the gate opens by itself. */
  public CompletableFuture<Void> submitTotpCode(String code) {
    return client.totps().authenticate(code, SESSION_MINUTES).thenApply(r -> null);
  }

  /** The view on screen now. */
  public View view() {
    return shown.get();
  }

  private void show(View view) {
    if (shown.getAndSet(view) != view) {
      render.accept(view);
    }
  }

  @Override
  public void close() {
    subscription.unsubscribe();
  }
}
