package dev.latchkey.server.user;

import dev.latchkey.model.User;

/** A name update replaces the parts it gives and keeps the others; the stored name never has null parts. */
final class Names {
  private static final int MAX_PART = 256;

  private Names() {}

  static User.Name merge(User.Name current, User.Name update) {
    if (update == null) {
      return current;
    }
    return new User.Name(part(update.firstName(), current.firstName()), part(update.middleName(),
        current.middleName()), part(update.lastName(), current.lastName()));
  }

  private static String part(String given, String current) {
    if (given == null) {
      return current;
    }
    if (given.length() > MAX_PART) {
      throw dev.latchkey.server.error.ErrorCode.INVALID_FIELD_TYPE.exception(
          "A name part may have at most " + MAX_PART + " characters.");
    }
    if (hasUnpairedSurrogate(given)) {
      throw dev.latchkey.server.error.ErrorCode.INVALID_FIELD_TYPE.exception(
          "A name part must be valid Unicode text: it has an unpaired surrogate (\\ud800-\\udfff).");
    }
    return given;
  }

  /** True for text the UTF-8 store could not keep as given (it would turn the surrogate into {@code ?}). */
  static boolean hasUnpairedSurrogate(String s) {
    return s.codePoints().anyMatch(cp -> Character.getType(cp) == Character.SURROGATE);
  }
}
