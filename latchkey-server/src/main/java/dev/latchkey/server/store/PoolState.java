package dev.latchkey.server.store;

/** The database connection pool at one moment: connections in use, idle, and requests waiting for one. */
public record PoolState(int active, int idle, int waiting, int total) {}
