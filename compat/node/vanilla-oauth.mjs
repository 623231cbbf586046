// Runs the official Stytch browser SDK (npm `@stytch/vanilla-js`, headless, pinned in package.json) inside jsdom
// against a Latchkey server with an OAuth provider configured, through the SDK's own OAuth calls:
// oauth.google.start() (the URL it navigates to is captured instead of followed by jsdom, which cannot navigate),
// the browser's redirects (start -> provider -> Latchkey's callback -> the app) followed with fetch, carrying the
// state cookie as a browser would, then oauth.authenticate(token, {session_duration_minutes}) with the PKCE
// verifier the SDK kept, after which the session is the SDK's.
//
//   LATCHKEY_BASE_URL=http://127.0.0.1:8080 LATCHKEY_PUBLIC_TOKEN=public-token-test-... \
//   LATCHKEY_REDIRECT_URL=https://app.example.com/authenticate node compat/node/vanilla-oauth.mjs
//
// On success the last line of stdout is a JSON summary and the exit code is 0; on any failure a message naming the
// failed step goes to stderr and the exit code is 1 (2 for bad usage).
import { JSDOM } from "jsdom";

const REQUIRED = ["LATCHKEY_BASE_URL", "LATCHKEY_PUBLIC_TOKEN", "LATCHKEY_REDIRECT_URL"];
const missing = REQUIRED.filter((name) => !process.env[name]);
if (missing.length) {
  console.error(`vanilla-oauth.mjs: missing environment variables: ${missing.join(", ")}`);
  process.exit(2);
}
const base = process.env.LATCHKEY_BASE_URL.replace(/\/$/, "");
const redirectUrl = process.env.LATCHKEY_REDIRECT_URL;

const dom = new JSDOM("<!doctype html><html><body></body></html>", { url: "http://localhost/" });
// jsdom has no SubtleCrypto; the SDK hashes its PKCE verifier with it, as a browser does: lend it Node's.
Object.defineProperty(dom.window, "crypto", { value: globalThis.crypto, configurable: true });
for (const name of ["window", "document", "localStorage", "sessionStorage", "navigator", "location"]) {
  Object.defineProperty(globalThis, name, { value: dom.window[name], configurable: true, writable: true });
}

class CheckFailed extends Error {}

function expect(condition, what) {
  if (!condition) throw new CheckFailed(what);
}

/** Follows redirects from `url` as a browser would (cookies kept per host) until the app's URL; returns it. */
async function browse(url) {
  const jar = new Map();
  let current = url;
  for (let hop = 0; hop < 10; hop++) {
    const host = new URL(current).host;
    const headers = jar.has(host) ? { Cookie: jar.get(host) } : {};
    const resp = await fetch(current, { redirect: "manual", headers });
    for (const c of resp.headers.getSetCookie?.() ?? []) {
      jar.set(host, c.split(";")[0]);
    }
    const location = resp.headers.get("location");
    expect(resp.status >= 300 && resp.status < 400 && location,
      `${current} answered ${resp.status}: ${(await resp.text()).slice(0, 300)}`);
    const next = new URL(location, current).toString();
    if (next.startsWith(redirectUrl)) return next;
    current = next;
  }
  throw new CheckFailed(`more than 10 redirects from ${url}`);
}

async function main() {
  const { StytchHeadlessClient } = await import("@stytch/vanilla-js/headless");
  const options = {
    endpoints: {
      testAPIURL: base, liveAPIURL: base, dfpBackendURL: base, dfpCdnURL: base, clientsideServicesIframeURL: base,
    },
  };
  const stytch = new StytchHeadlessClient(process.env.LATCHKEY_PUBLIC_TOKEN, options);
  const summary = { sdk: "@stytch/vanilla-js/headless", steps: [] };
  let step = "";
  const run = async (name, fn) => {
    step = name;
    const result = await fn();
    summary.steps.push(name);
    return result;
  };
  try {
    let navigatedTo = null;
    stytch.oauth.navigate = (url) => {
      navigatedTo = url.toString();
    };
    const startUrl = await run("oauth.google.start", async () => {
      await stytch.oauth.google.start({ login_redirect_url: redirectUrl, signup_redirect_url: redirectUrl });
      expect(navigatedTo?.startsWith(`${base}/v1/public/oauth/google/start?`), `navigated to ${navigatedTo}`);
      const q = new URL(navigatedTo).searchParams;
      expect(q.get("public_token") === process.env.LATCHKEY_PUBLIC_TOKEN, "the start names the public token");
      expect(/^[A-Za-z0-9_-]{43}$/.test(q.get("code_challenge") ?? ""), "the start carries a PKCE code_challenge");
      return navigatedTo;
    });
    const landing = await run("the browser's redirects", () => browse(startUrl));
    const params = new URL(landing).searchParams;
    expect(params.get("stytch_token_type") === "oauth", `landed on ${landing}`);
    const resp = await run("oauth.authenticate", () =>
      stytch.oauth.authenticate(params.get("token"), { session_duration_minutes: 60 }));
    expect(resp.session?.session_id?.startsWith("session-"), `no session in ${JSON.stringify(resp).slice(0, 300)}`);
    expect(resp.provider_type === "Google", `provider_type ${resp.provider_type}`);
    await run("the session is the SDK's", async () => {
      expect(stytch.session.getSync()?.session_id === resp.session.session_id, "getSync() is not the new session");
      expect(stytch.session.getTokens()?.session_token === resp.session_token, "the session token was not kept");
      expect(stytch.user.getSync()?.providers?.[0]?.provider_type === "Google", "the user has no Google provider");
    });
    summary.session_id = resp.session.session_id;
    summary.user_id = resp.user_id;
  } catch (e) {
    console.error(`vanilla-oauth.mjs: step "${step}" failed: ${e instanceof CheckFailed ? e.message
      : `${e?.constructor?.name}: ${e?.message}`}`);
    process.exit(1);
  }
  summary.ok = true;
  console.log(JSON.stringify(summary));
  process.exit(0);
}

await main();
