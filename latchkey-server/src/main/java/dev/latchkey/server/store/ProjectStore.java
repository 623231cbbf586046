package dev.latchkey.server.store;

import java.util.Optional;

/** The deployment's project credentials. */
public interface ProjectStore {
  Optional<ProjectRecord> get();

  /** Inserts the project unless one exists; returns the project that is stored afterwards. */
  ProjectRecord createIfAbsent(ProjectRecord project);

  /** Replaces the secret hash and public token (when the operator sets them in the environment). */
  void update(ProjectRecord project);
}
