// Runs the official Stytch Node SDK's `sessions.migrate` against a Latchkey server whose migration provider has
// issued the given access tokens, and checks that the call succeeds, parses, and says what Latchkey meant.
//
//   LATCHKEY_BASE_URL=... LATCHKEY_PROJECT_ID=... LATCHKEY_SECRET=... LATCHKEY_ACCESS_TOKEN=<verified email> \
//       LATCHKEY_EXPECTED_EMAIL=... node compat/node/sessions-migrate.mjs
//
// On success the last line of stdout is a JSON summary and the exit code is 0; on any failure a message naming the
// failed step goes to stderr and the exit code is 1 (2 for a missing variable).
import stytch from "stytch";

const REQUIRED = ["LATCHKEY_BASE_URL", "LATCHKEY_PROJECT_ID", "LATCHKEY_SECRET", "LATCHKEY_ACCESS_TOKEN",
  "LATCHKEY_EXPECTED_EMAIL"];

class CheckFailed extends Error {}

function expect(condition, message) {
  if (!condition) throw new CheckFailed(message);
}

async function main() {
  const missing = REQUIRED.filter((name) => !process.env[name]);
  if (missing.length) {
    console.error(`migrate.mjs: missing ${missing.join(", ")}`);
    process.exit(2);
  }
  const base = process.env.LATCHKEY_BASE_URL;
  const env = base.endsWith("/") ? base : `${base}/`;
  const client = new stytch.Client({ project_id: process.env.LATCHKEY_PROJECT_ID,
    secret: process.env.LATCHKEY_SECRET, env });
  const summary = { sdk: "stytch", steps: [] };
  let step = "";
  try {
    step = "sessions.migrate";
    const r = await client.sessions.migrate({ session_token: process.env.LATCHKEY_ACCESS_TOKEN,
      session_duration_minutes: 60 });
    expect(r.status_code === 200, `status_code ${r.status_code}`);
    expect(r.user.emails[0].email === process.env.LATCHKEY_EXPECTED_EMAIL, `email ${r.user.emails[0].email}`);
    expect(r.user.emails[0].verified === true, "the email is not verified");
    expect(typeof r.session_token === "string" && r.session_token.length === 44, "no session_token");
    expect(r.session.authentication_factors[0].type === "imported", "the factor is not imported");
    summary.steps.push(step);

    step = "sessions.authenticate(migrated session)";
    const a = await client.sessions.authenticate({ session_token: r.session_token });
    expect(a.session.session_id === r.session.session_id, "another session");
    summary.steps.push(step);

    step = "sessions.migrate(refused token) is invalid_migrate_session_token";
    try {
      await client.sessions.migrate({ session_token: "not-a-token-the-provider-issued" });
      throw new CheckFailed("the call succeeded");
    } catch (e) {
      if (e instanceof CheckFailed) throw e;
      expect(e.status_code === 401 && e.error_type === "invalid_migrate_session_token",
        `got ${e.status_code} ${e.error_type}`);
    }
    summary.steps.push(step);

    summary.user_id = r.user_id;
    summary.ok = true;
    console.log(JSON.stringify(summary));
  } catch (e) {
    const why = e instanceof CheckFailed ? e.message : `${e?.constructor?.name}: ${e?.message}`;
    console.error(`migrate.mjs: FAILED at ${step}: ${why}`);
    process.exit(1);
  }
}

await main();
