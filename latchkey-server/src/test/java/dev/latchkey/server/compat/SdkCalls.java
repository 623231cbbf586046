package dev.latchkey.server.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.stytch.java.common.ErrorResponse;
import com.stytch.java.common.StytchException;
import com.stytch.java.common.StytchResult;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** How the Java SDK compat tests wait for an official Stytch Java SDK call and read its result. */
final class SdkCalls {
  /** Bounds one SDK call (a real HTTP round trip to a local server). */
  static final long CALL_TIMEOUT_SECONDS = 30;

  private SdkCalls() {}

  /** The call's result, waiting at most {@link #CALL_TIMEOUT_SECONDS}. */
  static <T> T get(CompletableFuture<T> call) {
    try {
      return call.get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("the SDK call did not complete", e);
    }
  }

  /** The value of a call that must succeed; a failure shows the SDK's exception, which names what did not map. */
  @SuppressWarnings("unchecked")
  static <T> T success(CompletableFuture<StytchResult<T>> call) {
    StytchResult<T> result = get(call);
    if (result instanceof StytchResult.Error e) {
      throw new AssertionError("expected success, got " + e.getException() + " reason=" + e.getException()
          .getReason(), e.getException());
    }
    return ((StytchResult.Success<T>) result).getValue();
  }

  /** The server's error as the SDK parsed it: must be a {@code StytchException.Response}, never a Critical. */
  static <T> ErrorResponse error(CompletableFuture<StytchResult<T>> call) {
    StytchResult<T> result = get(call);
    assertThat(result).isInstanceOf(StytchResult.Error.class);
    StytchException e = ((StytchResult.Error) result).getException();
    assertThat(e).isInstanceOf(StytchException.Response.class);
    return ((StytchException.Response) e).getReason();
  }
}
