package dev.latchkey.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.latchkey.backend.LatchkeyException.Reason;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Asserts on the one exception type. */
final class Failures {
  private Failures() {}

  static LatchkeyException failure(ThrowingCallable call) {
    LatchkeyException e = catchThrowableOfType(LatchkeyException.class, call);
    assertThat(e).as("a LatchkeyException").isNotNull();
    return e;
  }

  static LatchkeyException rejected(Reason expected, ThrowingCallable call) {
    LatchkeyException e = failure(call);
    assertThat(e.reason()).as(e.getMessage()).isEqualTo(expected);
    assertThat(e.isRejection()).isTrue();
    return e;
  }

  static LatchkeyException notChecked(Reason expected, ThrowingCallable call) {
    LatchkeyException e = failure(call);
    assertThat(e.reason()).as(e.getMessage()).isEqualTo(expected);
    assertThat(e.isRejection()).isFalse();
    return e;
  }
}
