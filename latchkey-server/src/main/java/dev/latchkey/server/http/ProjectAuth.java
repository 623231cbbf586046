package dev.latchkey.server.http;

import dev.latchkey.server.ErrorCode;
import dev.latchkey.server.crypto.Secrets;
import dev.latchkey.server.store.StoredProject;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** HTTP Basic {@code project_id:secret} on backend endpoints; any other credential is 401. */
final class ProjectAuth {
  /** Longer headers are refused before decoding: a real one is under 200 characters. */
  private static final int MAX_HEADER = 1024;
  private final StoredProject project;

  ProjectAuth(StoredProject project) {
    this.project = project;
  }

  void check(Context ctx) {
    String header = ctx.header("Authorization");
    if (header == null || header.length() > MAX_HEADER || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      throw ErrorCode.UNAUTHORIZED_CREDENTIALS.exception();
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ErrorCode.UNAUTHORIZED_CREDENTIALS.exception();
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      throw ErrorCode.UNAUTHORIZED_CREDENTIALS.exception();
    }
    boolean idOk = Secrets.constantTimeEquals(project.projectId(), decoded.substring(0, colon));
    boolean secretOk = Secrets.constantTimeEquals(project.secretHash(), Secrets.sha256(decoded.substring(colon + 1)));
    if (!(idOk & secretOk)) {
      throw ErrorCode.UNAUTHORIZED_CREDENTIALS.exception();
    }
  }
}
