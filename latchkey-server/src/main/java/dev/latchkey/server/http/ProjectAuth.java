package dev.latchkey.server.http;

import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.crypto.Secrets;
import dev.latchkey.server.store.ProjectRecord;
import io.javalin.http.Context;

/** HTTP Basic {@code project_id:secret} on backend endpoints; any other credential is 401. */
final class ProjectAuth {
  private final ProjectRecord project;

  ProjectAuth(ProjectRecord project) {
    this.project = project;
  }

  void check(Context ctx) {
    BasicCredentials c = BasicCredentials.parse(BasicCredentials.header(ctx))
        .orElseThrow(ErrorCode.UNAUTHORIZED_CREDENTIALS::exception);
    boolean idOk = Secrets.constantTimeEquals(project.projectId(), c.user());
    boolean secretOk = Secrets.constantTimeEquals(project.secretHash(), Secrets.sha256(c.password()));
    if (!(idOk & secretOk)) {
      throw ErrorCode.UNAUTHORIZED_CREDENTIALS.exception();
    }
  }
}
