// Runs the official Stytch Node SDK's passwords.migrate against a Latchkey server: a bcrypt and a pbkdf_2 user are
// migrated, each signs in with the old password through the SDK, and a config without its salt is a StytchError.
//
//   LATCHKEY_BASE_URL=http://127.0.0.1:8080 LATCHKEY_PROJECT_ID=... LATCHKEY_SECRET=... \
//   LATCHKEY_BCRYPT_HASH='$2b$...' LATCHKEY_BCRYPT_PASSWORD=... node compat/node/passwords-migrate.mjs
//
// On success the last line of stdout is a JSON summary and the exit code is 0; on a failure a message naming the
// failed step goes to stderr and the exit code is 1.
import stytch from "stytch";

const env = process.env;
for (const name of ["LATCHKEY_BASE_URL", "LATCHKEY_PROJECT_ID", "LATCHKEY_SECRET", "LATCHKEY_BCRYPT_HASH",
  "LATCHKEY_BCRYPT_PASSWORD"]) {
  if (!env[name]) {
    console.error(`migrate.mjs: missing ${name}`);
    process.exit(2);
  }
}

class CheckFailed extends Error {}
function expect(condition, what) {
  if (!condition) throw new CheckFailed(what);
}

const client = new stytch.Client({ project_id: env.LATCHKEY_PROJECT_ID, secret: env.LATCHKEY_SECRET,
  env: env.LATCHKEY_BASE_URL.replace(/\/?$/, "/") });
const summary = { sdk: "stytch", steps: [] };
let step = "";
const run = async (name, fn) => {
  step = name;
  const result = await fn();
  summary.steps.push(name);
  return result;
};

try {
  const suffix = `${Date.now()}-${Math.floor(Math.random() * 1e9)}`;
  const ada = `node-migrate-ada-${suffix}@example.com`;
  const migrated = await run("passwords.migrate(bcrypt)", () => client.passwords.migrate({
    email: ada, hash: env.LATCHKEY_BCRYPT_HASH, hash_type: "bcrypt", external_id: `node-legacy-${suffix}`,
    name: { first_name: "Ada" }, trusted_metadata: { plan: "gold" }, set_email_verified: true,
  }));
  expect(migrated.status_code === 200 && migrated.user_created === true, "migrate: user_created true");
  expect(migrated.user_id.startsWith("user-test-") && migrated.email_id.startsWith("email-test-"), "migrate: ids");
  expect(migrated.user.external_id === `node-legacy-${suffix}`, "migrate: external_id in the user");
  const signedIn = await run("passwords.authenticate(migrated bcrypt)", () => client.passwords.authenticate({
    email: ada, password: env.LATCHKEY_BCRYPT_PASSWORD, session_duration_minutes: 30,
  }));
  expect(signedIn.user_id === migrated.user_id && signedIn.session_token.length === 44, "sign-in: a session");
  const again = await run("passwords.authenticate(upgraded hash)", () => client.passwords.authenticate({
    email: ada, password: env.LATCHKEY_BCRYPT_PASSWORD,
  }));
  expect(again.user_id === migrated.user_id, "second sign-in: same user");
  const byExternalId = await run("users.get(external_id)", () => client.users.get({ user_id: `node-legacy-${suffix}` }));
  expect(byExternalId.user_id === migrated.user_id, "users.get by external_id");

  await run("passwords.migrate(pbkdf_2 without salt) is a StytchError", async () => {
    try {
      await client.passwords.migrate({
        email: `node-migrate-bo-${suffix}@example.com`, hash: "tfrk2NO4AkBsmLpQpZQvl/0kNf7Rg3ev8ao2VqnP4J0=",
        hash_type: "pbkdf_2", pbkdf_2_config: { iteration_amount: 1000, key_length: 32 },
      });
    } catch (e) {
      expect(e instanceof stytch.StytchError, `expected a StytchError, got ${e?.constructor?.name}`);
      expect(e.status_code === 400 && e.error_type === "invalid_pbkdf_2_salt",
        `expected 400 invalid_pbkdf_2_salt, got ${e.status_code} ${e.error_type}`);
      return;
    }
    throw new CheckFailed("expected the call to fail");
  });
  summary.ok = true;
  summary.user_id = migrated.user_id;
  console.log(JSON.stringify(summary));
} catch (e) {
  console.error(`migrate.mjs: FAILED at ${step}: ${e instanceof CheckFailed ? e.message
    : `${e?.constructor?.name}: ${e?.error_type ?? ""} ${e?.message}`}`);
  process.exit(1);
}
