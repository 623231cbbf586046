package dev.latchkey.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** One RSA signing key in the JWKS; every field is required by the official Java SDK. */
public record Jwk(
    String kty,
    String use,
    List<String> keyOps,
    String alg,
    String kid,
    List<String> x5c,
    @JsonProperty("x5tS256") String x5tS256,
    String n,
    String e) {}
