package dev.latchkey.server.http;

import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.crypto.Secrets;
import dev.latchkey.server.store.ProjectRecord;
import io.javalin.http.Context;

/** HTTP Basic {@code project_id:secret} on backend endpoints; any other credential is 401. */
final class ProjectAuth {
  private final ProjectRecord project;
  /**
   * The last {@code Authorization} header that passed the full check. A backend sends the same header on every call,
   * so comparing with this one (in constant time, without decoding or hashing) answers nearly every request; the
   * full check cost a session check a tenth of its allocation. It holds the secret in memory as the request's own
   * header does; a different header (another secret, a typo) takes the full check and never replaces this one unless
   * it passes.
   */
  private volatile String accepted;

  ProjectAuth(ProjectRecord project) {
    this.project = project;
  }

  void check(Context ctx) {
    String header = BasicCredentials.header(ctx);
    if (header != null && Secrets.constantTimeEquals(header, accepted)) {
      return;
    }
    BasicCredentials c = BasicCredentials.parse(header).orElseThrow(ErrorCode.UNAUTHORIZED_CREDENTIALS::exception);
    boolean idOk = Secrets.constantTimeEquals(project.projectId(), c.user());
    boolean secretOk = Secrets.constantTimeEquals(project.secretHash(), Secrets.sha256(c.password()));
    if (!(idOk & secretOk)) {
      throw ErrorCode.UNAUTHORIZED_CREDENTIALS.exception();
    }
    accepted = header;
  }
}
