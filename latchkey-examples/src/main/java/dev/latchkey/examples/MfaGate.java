package dev.latchkey.examples;

import dev.latchkey.client.LatchkeyClient;
import dev.latchkey.client.Subscription;
import dev.latchkey.model.Session;
import java.util.Objects;
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
 * <pre>{@code
 * try (MfaGate gate = new MfaGate(client, view -> ui.show(view))) {
 *   ...
 * }
 * }</pre>
 */
public final class MfaGate implements AutoCloseable {
  /** What the gate shows. */
  public enum View { SIGN_IN, SECOND_FACTOR_REQUIRED, PROTECTED }

  private final Consumer<View> render;
  private final AtomicReference<View> shown = new AtomicReference<>();
  private final Subscription subscription;

  /** Renders the current view at once, then again whenever the session changes it. */
  public MfaGate(LatchkeyClient client, Consumer<View> render) {
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
