// Drives the simulator with HubSpot's official Node client (`@hubspot/api-client`), unchanged
// but for `basePath`: it lists users page by page, reads roles, teams and owners, gets a user by
// email, creates, replaces and removes one, and checks HubSpot's error statuses.
//
// Usage: node hubspot_client.js BASE_URL TOKEN (the token is never printed). Exits non-zero
// with a message on the first mismatch.

const hubspot = require('@hubspot/api-client');

function check(condition, message) {
  if (!condition) {
    console.error(`FAILED: ${message}`);
    process.exit(1);
  }
}

async function refused(promise, status, what) {
  try {
    await promise;
  } catch (e) {
    check(e.code === status, `${what}: expected ${status}, got ${e.code} ${e.message}`);
    return JSON.parse(typeof e.body === 'string' ? e.body : JSON.stringify(e.body));
  }
  check(false, `${what}: expected ${status}, got a success`);
}

async function main() {
  const [base, token] = process.argv.slice(2);
  const client = new hubspot.Client({ accessToken: token, basePath: base });
  const users = client.settings.users.usersApi;

  const emails = [];
  let after;
  for (;;) {
    const page = await users.getPage(2, after);
    emails.push(...page.results.map((u) => u.email));
    if (!page.paging || !page.paging.next) break;
    after = page.paging.next.after;
  }
  check(emails.length === 5, `five users listed, got ${emails}`);

  const roles = (await client.settings.users.rolesApi.getAll()).results;
  const teams = (await client.settings.users.teamsApi.getAll()).results;
  const rep = roles.find((r) => r.name === 'Sales Rep');
  const support = teams.find((t) => t.name === 'Support');
  const salesFr = teams.find((t) => t.name === 'Sales France');
  check(salesFr.userIds.length === 4, 'Sales France has four primary members');

  const found = await users.getById('user3@acme.example', 'EMAIL');
  check(found.email === 'user3@acme.example' && found.roleIds[0] === rep.id, 'get by email');

  const created = await users.create({
    email: 'node@acme.example', roleId: rep.id, primaryTeamId: support.id, sendWelcomeEmail: false,
  });
  check(created.primaryTeamId === support.id && created.superAdmin === false, 'created user');

  const duplicate = await refused(
    users.create({ email: 'NODE@acme.example', sendWelcomeEmail: false }), 409, 'duplicate email');
  check(duplicate.category === 'CONFLICT', 'duplicate category');
  const unknown = await refused(users.replace(created.id, { roleId: '999999' }), 400, 'unknown role');
  check(unknown.message.includes('999999'), 'unknown role message');

  const replaced = await users.replace(created.id, { primaryTeamId: salesFr.id });
  check(replaced.primaryTeamId === salesFr.id, 'replaced user');

  const owners = await client.crm.owners.ownersApi.getPage('node@acme.example');
  check(owners.results.length === 1, 'an owner per user');
  const owner = owners.results[0];
  check(owner.userId === Number(created.id) && owner.teams[0].primary, 'owner with its primary team');
  const byId = await client.crm.owners.ownersApi.getById(Number(owner.id));
  check(byId.email === 'node@acme.example', 'owner by id');

  await users.archive(created.id);
  await refused(users.getById(created.id), 404, 'removed user');
  const wrong = new hubspot.Client({ accessToken: 'wrong', basePath: base });
  await refused(wrong.settings.users.usersApi.getPage(), 401, 'wrong token');

  console.log('ok: the official Node client works against the simulator');
}

main().catch((e) => {
  console.error(`FAILED: ${e.stack || e}`);
  process.exit(1);
});
