// Runs the official Stytch Node SDK (npm `stytch`, pinned in package.json) against a Latchkey server: users.search
// (and its searchAll iterator over cursors), users.deletePassword and users.deleteEmail.
//
//   LATCHKEY_BASE_URL=http://127.0.0.1:8080 LATCHKEY_PROJECT_ID=project-test-... LATCHKEY_SECRET=... \
//       node compat/node/users.mjs
//
// On success the last line of stdout is a JSON summary and the exit code is 0; on any failure a message naming the
// failed step goes to stderr and the exit code is 1 (2 for bad usage).
import stytch from "stytch";

class CheckFailed extends Error {}

function expect(condition, what) {
  if (!condition) throw new CheckFailed(what);
}

async function main() {
  const { LATCHKEY_BASE_URL: baseUrl, LATCHKEY_PROJECT_ID: projectId, LATCHKEY_SECRET: secret } = process.env;
  if (!baseUrl || !projectId || !secret) {
    console.error("users.mjs: set LATCHKEY_BASE_URL, LATCHKEY_PROJECT_ID and LATCHKEY_SECRET");
    process.exit(2);
  }
  const env = baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`;
  const client = new stytch.Client({ project_id: projectId, secret, env });
  const tag = Math.random().toString(36).slice(2, 10);
  const summary = { sdk: "stytch", steps: [] };
  let step = "";
  const run = async (name, fn) => {
    step = name;
    const value = await fn();
    summary.steps.push(name);
    return value;
  };
  try {
    const created = [];
    await run("users.create x5", async () => {
      for (let i = 0; i < 5; i++) {
        const r = await client.users.create({ email: `node-search-${tag}-${i}@example.com` });
        created.push(r.user_id);
      }
    });

    await run("users.search(email_address)", async () => {
      const r = await client.users.search({
        limit: 10,
        query: { operator: "AND", operands: [
          { filter_name: "email_address", filter_value: [`node-search-${tag}-2@example.com`] }] },
      });
      expect(r.status_code === 200, `status_code ${r.status_code}`);
      expect(r.results.length === 1 && r.results[0].user_id === created[2], "the user was not found");
      expect(r.results_metadata.total === 1, `total ${r.results_metadata.total}`);
      expect(r.results_metadata.next_cursor === null, "a next_cursor on the only page");
    });

    await run("users.searchAll(email_address_fuzzy) over pages of 2", async () => {
      const seen = [];
      const pages = client.users.searchAll({
        limit: 2,
        query: { operator: "AND", operands: [{ filter_name: "email_address_fuzzy", filter_value: `node-search-${tag}` }] },
      });
      for await (const page of pages) {
        for (const u of page) seen.push(u.user_id);
      }
      expect(JSON.stringify(seen) === JSON.stringify(created), `paged ${JSON.stringify(seen)}`);
    });

    await run("users.search(phone_number) is refused", async () => {
      try {
        await client.users.search({ query: { operator: "AND", operands: [
          { filter_name: "phone_number", filter_value: ["+15555550100"] }] } });
      } catch (e) {
        expect(e instanceof stytch.StytchError && e.status_code === 400 && e.error_type === "bad_request",
          `expected 400 bad_request, got ${e?.status_code} ${e?.error_type}`);
        return;
      }
      throw new CheckFailed("a phone_number filter was accepted");
    });

    await run("users.deletePassword and users.deleteEmail", async () => {
      const signup = await client.passwords.create({ email: `node-del-${tag}@example.com`,
        password: "correct horse battery staple 8472" });
      const noPassword = await client.users.deletePassword({ password_id: signup.user.password.password_id });
      expect(noPassword.user_id === signup.user_id && noPassword.user.password === null, "the password is still there");
      const noEmail = await client.users.deleteEmail({ email_id: signup.email_id });
      expect(noEmail.user_id === signup.user_id && noEmail.user.emails.length === 0, "the email is still there");
    });

    summary.ok = true;
    console.log(JSON.stringify(summary));
  } catch (e) {
    const why = e instanceof CheckFailed ? e.message : `${e?.constructor?.name}: ${e?.message}`;
    console.error(`users.mjs: FAILED at ${step}: ${why}`);
    if (!(e instanceof CheckFailed) && e?.stack) console.error(e.stack);
    process.exit(1);
  }
}

await main();
