package dev.latchkey.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import java.util.ArrayList;
import java.util.List;

/** Registers routes with Javalin and remembers them, so a test can hold the API document to the real routes. */
final class RouteTable {
  private final RoutesConfig routes;
  private final List<String> registered = new ArrayList<>();

  RouteTable(RoutesConfig routes) {
    this.routes = routes;
  }

  void get(String path, Handler h) {
    registered.add("GET " + path);
    routes.get(path, h);
  }

  void post(String path, Handler h) {
    registered.add("POST " + path);
    routes.post(path, h);
  }

  void put(String path, Handler h) {
    registered.add("PUT " + path);
    routes.put(path, h);
  }

  void delete(String path, Handler h) {
    registered.add("DELETE " + path);
    routes.delete(path, h);
  }

  List<String> registered() {
    return List.copyOf(registered);
  }
}
