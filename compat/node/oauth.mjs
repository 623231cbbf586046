// Runs the official Stytch Node SDK's OAuth calls (npm `stytch`, pinned in package.json) against a Latchkey server:
// oauth.authenticate with the token of a finished browser flow, the same token again (refused), oauth.attach, and
// users.deleteOAuthRegistration.
//
//   LATCHKEY_BASE_URL=http://127.0.0.1:8080 LATCHKEY_PROJECT_ID=project-test-... LATCHKEY_SECRET=secret-test-... \
//       LATCHKEY_OAUTH_TOKEN=<the token of the redirect> node compat/node/oauth.mjs
//
// On success the last line of stdout is a JSON summary and the exit code is 0; on any failure a message naming the
// failed step goes to stderr and the exit code is 1 (2 for bad usage).
import stytch from "stytch";

const REQUIRED = ["LATCHKEY_BASE_URL", "LATCHKEY_PROJECT_ID", "LATCHKEY_SECRET", "LATCHKEY_OAUTH_TOKEN"];

class CheckFailed extends Error {}

function expect(condition, what) {
  if (!condition) throw new CheckFailed(what);
}

async function main() {
  const missing = REQUIRED.filter((v) => !process.env[v]);
  if (missing.length) {
    console.error(`oauth.mjs: missing ${missing.join(", ")}`);
    process.exit(2);
  }
  const base = process.env.LATCHKEY_BASE_URL;
  // `env` takes any URL (with a warning on stderr) and needs the trailing slash.
  const client = new stytch.Client({ project_id: process.env.LATCHKEY_PROJECT_ID,
    secret: process.env.LATCHKEY_SECRET, env: base.endsWith("/") ? base : `${base}/` });
  const token = process.env.LATCHKEY_OAUTH_TOKEN;
  const summary = { sdk: "stytch", steps: [] };
  let step = "";
  const run = async (name, fn) => {
    step = name;
    const result = await fn();
    summary.steps.push(name);
    return result;
  };
  try {
    const r = await run("oauth.authenticate", () =>
      client.oauth.authenticate({ token, session_duration_minutes: 60 }));
    expect(r.status_code === 200, `status_code ${r.status_code}`);
    expect(typeof r.session_token === "string" && r.session_token.length === 44, "a session_token");
    expect(r.user_session && r.user_session.user_id === r.user_id, "user_session names the user");
    expect(typeof r.provider_values?.access_token === "string", "provider_values.access_token");
    const factor = r.user_session.authentication_factors[0];
    expect(factor.type === "oauth" && factor.delivery_method === `oauth_${r.provider_type.toLowerCase()}`,
      `the oauth factor, got ${JSON.stringify(factor)}`);
    expect(r.user.providers.some((p) => p.oauth_user_registration_id === r.oauth_user_registration_id),
      "user.providers has the registration");
    summary.user_id = r.user_id;
    summary.provider_type = r.provider_type;
    summary.oauth_user_registration_id = r.oauth_user_registration_id;

    await run("oauth.authenticate(spent token) is oauth_token_not_found", async () => {
      try {
        await client.oauth.authenticate({ token, session_duration_minutes: 60 });
      } catch (e) {
        expect(e instanceof stytch.StytchError, `a StytchError, got ${e?.constructor?.name}: ${e?.message}`);
        expect(e.status_code === 404 && e.error_type === "oauth_token_not_found",
          `404 oauth_token_not_found, got ${e.status_code} ${e.error_type}`);
        return;
      }
      throw new CheckFailed("the spent token was accepted");
    });

    const attached = await run("oauth.attach", () =>
      client.oauth.attach({ provider: "google", session_token: r.session_token }));
    expect(typeof attached.oauth_attach_token === "string" && attached.oauth_attach_token.length === 44,
      "an oauth_attach_token");

    const unlinked = await run("users.deleteOAuthRegistration", () =>
      client.users.deleteOAuthRegistration({ oauth_user_registration_id: r.oauth_user_registration_id }));
    expect(unlinked.user.providers.length === 0, "the registration is gone");
  } catch (e) {
    console.error(`oauth.mjs: step "${step}" failed: ${e instanceof CheckFailed ? e.message
      : `${e?.constructor?.name}: ${e?.message} ${JSON.stringify(e?.error_type ?? "")}`}`);
    process.exit(1);
  }
  summary.ok = true;
  console.log(JSON.stringify(summary));
}

await main();
