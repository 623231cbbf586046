// Runs the official Stytch Node SDK (npm `stytch`, pinned in package.json) against a Latchkey server and checks
// that every session call succeeds, parses, and says what Latchkey meant.
//
//   node compat/node/check.mjs --base-url=http://127.0.0.1:8080 --project-id=project-test-... \
//       --secret=secret-test-... --session-token=<44 chars> [--old-session-jwt=<an expired JWT of that session>]
//
// Every option can also come from the environment: LATCHKEY_BASE_URL, LATCHKEY_PROJECT_ID, LATCHKEY_SECRET,
// LATCHKEY_SESSION_TOKEN, LATCHKEY_OLD_SESSION_JWT (prefer it for the secret: arguments show up in `ps`).
// The session is revoked at the end. On success the last line of stdout is a JSON summary and the exit code is 0;
// on any failure a message naming the failed step goes to stderr and the exit code is 1 (2 for bad usage).
import stytch from "stytch";

const OPTIONS = {
  "base-url": "LATCHKEY_BASE_URL",
  "project-id": "LATCHKEY_PROJECT_ID",
  secret: "LATCHKEY_SECRET",
  "session-token": "LATCHKEY_SESSION_TOKEN",
  "old-session-jwt": "LATCHKEY_OLD_SESSION_JWT",
};
const REQUIRED = ["base-url", "project-id", "secret", "session-token"];

function readOptions(argv, env) {
  const opts = {};
  for (const [name, variable] of Object.entries(OPTIONS)) {
    if (env[variable]) opts[name] = env[variable];
  }
  for (const arg of argv) {
    const m = /^--([a-z-]+)=(.*)$/s.exec(arg);
    if (!m || !(m[1] in OPTIONS)) usage(`unknown argument ${JSON.stringify(arg.split("=")[0])}`);
    opts[m[1]] = m[2];
  }
  const missing = REQUIRED.filter((name) => !opts[name]);
  if (missing.length) usage(`missing ${missing.map((n) => `--${n} (or ${OPTIONS[n]})`).join(", ")}`);
  return opts;
}

function usage(problem) {
  console.error(`check.mjs: ${problem}`);
  console.error(`usage: node check.mjs ${REQUIRED.map((n) => `--${n}=...`).join(" ")} [--old-session-jwt=...]`);
  process.exit(2);
}

class CheckFailed extends Error {}

function expect(condition, what) {
  if (!condition) throw new CheckFailed(what);
}

function jwtHeader(jwt) {
  return JSON.parse(Buffer.from(jwt.split(".")[0], "base64url").toString("utf8"));
}

/** Runs `call`, which must reject with the SDK's StytchError carrying `errorType`. */
async function expectStytchError(call, status, errorType) {
  try {
    await call();
  } catch (e) {
    expect(e instanceof stytch.StytchError, `expected a StytchError, got ${e?.constructor?.name}: ${e?.message}`);
    expect(e.status_code === status && e.error_type === errorType,
      `expected ${status} ${errorType}, got ${e.status_code} ${e.error_type}`);
    expect(typeof e.error_message === "string" && e.error_message.length > 0, "error_message is empty");
    expect(typeof e.request_id === "string" && e.request_id.startsWith("request-id-"), "request_id is missing");
    return e;
  }
  throw new CheckFailed(`expected ${errorType}, but the call succeeded`);
}

async function main() {
  const opts = readOptions(process.argv.slice(2), process.env);
  // `custom_base_url` must be https; `env` takes any URL (with a warning on stderr) and needs the trailing slash.
  const env = opts["base-url"].endsWith("/") ? opts["base-url"] : `${opts["base-url"]}/`;
  const client = new stytch.Client({ project_id: opts["project-id"], secret: opts.secret, env });
  const summary = { sdk: "stytch", steps: [] };
  let step = "";
  const run = async (name, fn) => {
    step = name;
    const result = await fn();
    summary.steps.push(name);
    return result;
  };

  try {
    const token = opts["session-token"];
    const auth = await run("sessions.authenticate(session_token)", async () => {
      const r = await client.sessions.authenticate({ session_token: token, session_duration_minutes: 60 });
      expect(r.status_code === 200, `status_code ${r.status_code}`);
      expect(r.session_token === token, "session_token was not echoed back");
      expect(typeof r.session_jwt === "string" && r.session_jwt.split(".").length === 3, "no session_jwt");
      expect(r.session.user_id === r.user.user_id, "session.user_id differs from user.user_id");
      expect(Array.isArray(r.session.authentication_factors), "no authentication_factors");
      return r;
    });
    const sessionId = auth.session.session_id;
    const userId = auth.user.user_id;
    const jwt = auth.session_jwt;
    summary.session_id = sessionId;
    summary.user_id = userId;

    const claimed = await run("sessions.authenticate(session_jwt)", async () => {
      const r = await client.sessions.authenticate({ session_jwt: jwt, session_custom_claims: { plan: "pro" } });
      expect(r.session.session_id === sessionId, "authenticating by JWT found another session");
      expect(r.session.custom_claims?.plan === "pro", "the custom claim was not stored on the session");
      return r;
    });

    await run("sessions.get", async () => {
      const r = await client.sessions.get({ user_id: userId });
      expect(r.sessions.some((s) => s.session_id === sessionId), "the session is not in the user's list");
    });

    const jwks = await run("sessions.getJWKS", async () => {
      const r = await client.sessions.getJWKS({ project_id: opts["project-id"] });
      const kid = jwtHeader(jwt).kid;
      const key = r.keys.find((k) => k.kid === kid);
      expect(key, `the JWKS has no key ${kid}`);
      expect(key.kty === "RSA" && key.alg === "RS256" && key.use === "sig", "the key is not an RS256 signing key");
      return r;
    });
    summary.jwks_keys = jwks.keys.length;

    await run("sessions.authenticateJwtLocal", async () => {
      const s = await client.sessions.authenticateJwtLocal({ session_jwt: claimed.session_jwt });
      expect(s.session_id === sessionId && s.user_id === userId, "the local check read another session");
      expect(new Date(s.expires_at) > new Date(), "expires_at is not in the future");
      expect(s.custom_claims?.plan === "pro", "the custom claim is missing from the JWT");
      expect(!("iss" in s.custom_claims) && !("sub" in s.custom_claims), "registered claims leaked into custom_claims");
    });

    await run("sessions.authenticateJwt(fresh, local)", async () => {
      const r = await client.sessions.authenticateJwt({ session_jwt: jwt, max_token_age_seconds: 300 });
      // The local path answers {session, session_jwt} without touching the API (so no request_id).
      expect(r.request_id === undefined, "a fresh JWT was sent to the API instead of being checked locally");
      expect(r.session.session_id === sessionId, "the local check read another session");
    });

    const oldJwt = opts["old-session-jwt"];
    if (oldJwt) {
      await run("sessions.authenticateJwtLocal(expired) is refused", async () => {
        let refused = false;
        try {
          await client.sessions.authenticateJwtLocal({ session_jwt: oldJwt });
        } catch {
          refused = true;
        }
        expect(refused, "an expired JWT passed the local check");
      });
      await run("sessions.authenticateJwt(expired, falls back to the API)", async () => {
        const r = await client.sessions.authenticateJwt({ session_jwt: oldJwt, max_token_age_seconds: 60 });
        expect(r.status_code === 200 && typeof r.request_id === "string", "the API was not asked");
        expect(r.session.session_id === sessionId, "the API answered for another session");
        expect(r.session_jwt && r.session_jwt !== oldJwt, "the API did not issue a fresh JWT");
        const fresh = await client.sessions.authenticateJwtLocal({ session_jwt: r.session_jwt });
        expect(fresh.session_id === sessionId, "the fresh JWT does not verify locally");
      });
      summary.fallback = true;
    }

    await run("sessions.authenticate(unknown token) is session_not_found", () =>
      expectStytchError(() => client.sessions.authenticate({ session_token: "x".repeat(44) }), 404,
        "session_not_found"));

    await run("sessions.revoke", async () => {
      const r = await client.sessions.revoke({ session_token: token });
      expect(r.status_code === 200, `status_code ${r.status_code}`);
    });

    await run("sessions.authenticate(revoked) is session_not_found", () =>
      expectStytchError(() => client.sessions.authenticate({ session_token: token }), 404, "session_not_found"));

    summary.ok = true;
    console.log(JSON.stringify(summary));
  } catch (e) {
    const why = e instanceof CheckFailed ? e.message : `${e?.constructor?.name}: ${e?.message}`;
    console.error(`check.mjs: FAILED at ${step}: ${why}`);
    if (!(e instanceof CheckFailed) && e?.stack) console.error(e.stack);
    process.exit(1);
  }
}

await main();
