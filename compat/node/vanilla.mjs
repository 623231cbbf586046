// Runs the official Stytch browser SDK (npm `@stytch/vanilla-js`, headless, pinned in package.json) inside jsdom
// against a Latchkey server, and checks that its session life cycle works end to end:
// updateSession -> session.authenticate -> getSync -> onChange -> user.get -> revoke, then a password sign-in
// stepped up with an email code (the code read from the server's dev outbox), a reloaded client refreshing its cached
// session, and a session revoked behind the SDK's back that the SDK must drop
// on its next authenticate.
//
//   LATCHKEY_BASE_URL=http://127.0.0.1:8080 LATCHKEY_PUBLIC_TOKEN=public-token-test-... \
//   LATCHKEY_PROJECT_ID=project-test-... LATCHKEY_SECRET=... \
//   LATCHKEY_SESSION_TOKEN=... LATCHKEY_SESSION_JWT=... LATCHKEY_EMAIL=... LATCHKEY_PASSWORD=... \
//   node compat/node/vanilla.mjs
//
// Everything comes from the environment (secrets do not belong in `ps`). The project id and secret are used only to
// revoke a session through the backend API, as an app's server would, and to read the mailed code from the dev
// outbox (the server must run with LATCHKEY_DEV_OUTBOX=true), as a developer without SMTP would. On success the last line of stdout is a JSON
// summary and the exit code is 0; on any failure a message naming the failed step goes to stderr and the exit code
// is 1 (2 for bad usage).
import { JSDOM } from "jsdom";

const REQUIRED = [
  "LATCHKEY_BASE_URL", "LATCHKEY_PUBLIC_TOKEN", "LATCHKEY_PROJECT_ID", "LATCHKEY_SECRET",
  "LATCHKEY_SESSION_TOKEN", "LATCHKEY_SESSION_JWT", "LATCHKEY_EMAIL", "LATCHKEY_PASSWORD",
];
const missing = REQUIRED.filter((name) => !process.env[name]);
if (missing.length) {
  console.error(`vanilla.mjs: missing environment variables: ${missing.join(", ")}`);
  process.exit(2);
}
const env = Object.fromEntries(REQUIRED.map((name) => [name, process.env[name]]));
const base = env.LATCHKEY_BASE_URL.replace(/\/$/, "");

// The SDK refuses to run without `window` and reads localStorage and document.cookie as a browser page would.
// `localhost` makes the SDK write its cookies without the Secure flag, as it does in development.
const dom = new JSDOM("<!doctype html><html><body></body></html>", { url: "http://localhost/" });
for (const name of ["window", "document", "localStorage", "sessionStorage", "navigator", "location"]) {
  Object.defineProperty(globalThis, name, { value: dom.window[name], configurable: true, writable: true });
}

// Everything the SDK logs as an error (a failed bootstrap, a missing RBAC policy) is a finding.
const sdkErrors = [];
const originalError = console.error;
console.error = (...args) => {
  sdkErrors.push(args.map(String).join(" "));
  originalError(...args);
};

class CheckFailed extends Error {}

function expect(condition, what) {
  if (!condition) throw new CheckFailed(what);
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

async function backendRevoke(sessionToken) {
  const resp = await fetch(`${base}/v1/sessions/revoke`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Authorization: "Basic " + Buffer.from(`${env.LATCHKEY_PROJECT_ID}:${env.LATCHKEY_SECRET}`).toString("base64"),
    },
    body: JSON.stringify({ session_token: sessionToken }),
  });
  expect(resp.status === 200, `the backend revoke answered ${resp.status}: ${await resp.text()}`);
}

async function backendOutboxCode(email) {
  const resp = await fetch(`${base}/v1/dev/outbox?email=${encodeURIComponent(email)}&limit=1`, {
    headers: {
      Authorization: "Basic " + Buffer.from(`${env.LATCHKEY_PROJECT_ID}:${env.LATCHKEY_SECRET}`).toString("base64"),
    },
  });
  // The body is read once: the failure message and the JSON both come from this text.
  const text = await resp.text();
  expect(resp.status === 200, `the dev outbox answered ${resp.status}: ${text}`);
  const code = JSON.parse(text).messages?.[0]?.code;
  expect(typeof code === "string" && /^[0-9]{6}$/.test(code), "no code in the newest mail of the dev outbox");
  return code;
}

async function main() {
  const { StytchHeadlessClient } = await import("@stytch/vanilla-js/headless");
  // `endpoints` is the SDK's internal option for its API base URL: the public `customBaseUrl` forces https on port
  // 443. Every URL it could call points at Latchkey, so nothing leaves the machine.
  const options = {
    endpoints: {
      testAPIURL: base, liveAPIURL: base, dfpBackendURL: base, dfpCdnURL: base, clientsideServicesIframeURL: base,
    },
  };
  const stytch = new StytchHeadlessClient(env.LATCHKEY_PUBLIC_TOKEN, options);
  const summary = { sdk: "@stytch/vanilla-js/headless", steps: [] };
  let step = "";
  const run = async (name, fn) => {
    step = name;
    const result = await fn();
    summary.steps.push(name);
    return result;
  };

  try {
    const changes = [];
    const unsubscribe = stytch.session.onChange((session) => changes.push(session));

    await run("session.updateSession", async () => {
      stytch.session.updateSession({ session_token: env.LATCHKEY_SESSION_TOKEN, session_jwt: env.LATCHKEY_SESSION_JWT });
      const tokens = stytch.session.getTokens();
      expect(tokens?.session_token === env.LATCHKEY_SESSION_TOKEN, "getTokens() does not return the session token");
      expect(stytch.session.getSync() === null, "getSync() has a session before authenticate");
    });

    const authenticated = await run("session.authenticate", async () => {
      const resp = await stytch.session.authenticate();
      expect(resp.session?.session_id?.startsWith("session-"), `no session in ${JSON.stringify(resp)}`);
      expect(resp.session_token === env.LATCHKEY_SESSION_TOKEN, "authenticate returned another session token");
      expect(typeof resp.session_jwt === "string" && resp.session_jwt.split(".").length === 3, "no session_jwt");
      return resp;
    });
    summary.session_id = authenticated.session.session_id;
    summary.user_id = authenticated.user.user_id;

    await run("session.getSync", async () => {
      const s = stytch.session.getSync();
      expect(s?.session_id === summary.session_id, `getSync() is ${JSON.stringify(s)}`);
      expect(stytch.user.getSync()?.user_id === summary.user_id, "user.getSync() is not the session's user");
      const tokens = stytch.session.getTokens();
      expect(tokens?.session_token === env.LATCHKEY_SESSION_TOKEN, "the session cookie was not kept");
      expect(tokens?.session_jwt === authenticated.session_jwt, "the fresh JWT was not stored");
    });

    await run("session.onChange", async () => {
      await settle();
      expect(changes.length >= 1 && changes.at(-1)?.session_id === summary.session_id,
        `onChange saw ${JSON.stringify(changes.map((c) => c?.session_id ?? null))}`);
    });

    await run("user.get", async () => {
      const user = await stytch.user.get();
      expect(user.user_id === summary.user_id, `user.get() returned ${JSON.stringify(user)}`);
      expect(user.emails?.[0]?.email === env.LATCHKEY_EMAIL, "user.get() has another email");
    });

    await run("session.authenticate(session_duration_minutes)", async () => {
      const before = Date.parse(stytch.session.getSync().expires_at);
      const resp = await stytch.session.authenticate({ session_duration_minutes: 600 });
      expect(Date.parse(resp.session.expires_at) > before, "the session was not extended");
    });

    await run("session.revoke", async () => {
      const before = changes.length;
      await stytch.session.revoke();
      await settle();
      expect(stytch.session.getSync() === null, "getSync() still has a session after revoke");
      expect(stytch.session.getTokens() === null, "the session cookies survived revoke");
      expect(changes.length > before && changes.at(-1) === null, "onChange did not report the sign-out");
    });

    const signedIn = await run("passwords.authenticate", async () => {
      const resp = await stytch.passwords.authenticate({
        email: env.LATCHKEY_EMAIL, password: env.LATCHKEY_PASSWORD, session_duration_minutes: 60,
      });
      expect(resp.user_id === summary.user_id, "signed in as another user");
      expect(resp.session.session_id !== summary.session_id, "the revoked session came back");
      expect(stytch.session.getSync()?.session_id === resp.session.session_id, "the new session is not in state");
      expect(stytch.session.getTokens()?.session_token === resp.session_token, "the new token is not in the cookie");
      return resp;
    });
    summary.second_session_id = signedIn.session.session_id;

    const sent = await run("otps.email.send (signed in: send/secondary)", async () => {
      const resp = await stytch.otps.email.send(env.LATCHKEY_EMAIL, { expiration_minutes: 5 });
      expect(typeof resp.method_id === "string" && resp.method_id.startsWith("email-"),
        `no method_id in ${JSON.stringify(resp)}`);
      return resp;
    });

    await run("otps.authenticate steps the session up", async () => {
      const before = changes.length;
      const code = await backendOutboxCode(env.LATCHKEY_EMAIL);
      const resp = await stytch.otps.authenticate(code, sent.method_id, { session_duration_minutes: 60 });
      expect(resp.session.session_id === signedIn.session.session_id, "the code started another session");
      const types = resp.session.authentication_factors.map((f) => f.type).sort();
      expect(JSON.stringify(types) === JSON.stringify(["otp", "password"]), `factors are ${JSON.stringify(types)}`);
      await settle();
      expect(stytch.session.getSync()?.authentication_factors?.length === 2, "getSync() has not got both factors");
      expect(changes.length > before && changes.at(-1)?.authentication_factors?.length === 2,
        "onChange did not report the second factor");
    });

    await run("a new client starts from the cached session and refreshes it", async () => {
      // As a reloaded page would: the cookie and the stored state are there, so the SDK shows the cached session at
      // once and refreshes it in the background (session.authenticate without a duration).
      const reloaded = new StytchHeadlessClient(env.LATCHKEY_PUBLIC_TOKEN, options);
      const cached = reloaded.session.getInfo();
      expect(cached.session?.session_id === signedIn.session.session_id, "the reloaded client has no cached session");
      expect(cached.fromCache === true, "the cached session is not marked as from cache");
      for (let i = 0; i < 100 && reloaded.session.getInfo().fromCache; i++) await settle();
      const fresh = reloaded.session.getInfo();
      expect(fresh.fromCache === false, "the start-up refresh never completed");
      expect(fresh.session?.session_id === signedIn.session.session_id, "the refresh lost the session");
    });

    await run("session.authenticate(revoked by the backend) signs out", async () => {
      await backendRevoke(signedIn.session_token);
      let error = null;
      try {
        await stytch.session.authenticate();
      } catch (e) {
        error = e;
      }
      expect(error !== null, "authenticate succeeded on a revoked session");
      expect(error.error_type === "session_not_found", `expected session_not_found, got ${error.error_type ?? error}`);
      await settle();
      expect(stytch.session.getSync() === null, "the SDK kept a session the server says is gone");
      expect(stytch.session.getTokens() === null, "the SDK kept the cookies of a session that is gone");
      expect(changes.at(-1) === null, "onChange did not report the sign-out");
    });

    unsubscribe();
    expect(sdkErrors.length === 0, `the SDK logged errors: ${sdkErrors.join(" | ")}`);
    summary.ok = true;
    console.log(JSON.stringify(summary));
  } catch (e) {
    const detail = e instanceof CheckFailed ? e.message
      : `${e?.constructor?.name}: ${e?.error_type ?? ""} ${e?.message ?? e}`;
    console.error(`vanilla.mjs: FAILED at ${step}: ${detail}`);
    process.exitCode = 1;
  }
}

// The SDK keeps timers (its 3-minute refresh, its telemetry batcher) that would hold the process open.
main().finally(() => setTimeout(() => process.exit(), 900));
