/**
 * `npm run console-user -- add --username wang --name 王芳 --role licensing_officer --office WH-JX-XK --office-name 武汉市江夏区行政审批局 [--department MARKET]`
 * `npm run console-user -- reset-password --username wang` · `disable --username wang` · `enable --username wang` · `list`
 * Console users outside demo mode (production has no demo users). A new or reset password is generated and
 * printed once on stdout; only its scrypt hash is stored. Disabling ends the user's sessions at once.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { CALLER_DEPARTMENTS, ROLES, isRole } from '../security/roles.js';
import { createConsoleUser, setConsolePassword } from '../security/sessions.js';
import { openHubDatabase } from './db.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    username: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string', multiple: true },
    department: { type: 'string' },
    office: { type: 'string' },
    'office-name': { type: 'string' },
  },
});
const command = positionals[0];
const fail = (message: string): never => {
  console.error(message);
  process.exit(2);
};
if (!command || !['add', 'reset-password', 'disable', 'enable', 'list'].includes(command))
  fail('command: add, reset-password, disable, enable or list');
if (command !== 'list' && !values.username) fail('--username is required');
if (command === 'add') {
  const roles = values.role ?? [];
  if (!roles.length || !roles.every(isRole)) fail(`--role must be one of ${ROLES.join(', ')}`);
  if (!values.name) fail('--name (姓名) is required');
  if (values.department && !(CALLER_DEPARTMENTS as readonly string[]).includes(values.department))
    fail(`--department must be one of ${CALLER_DEPARTMENTS.join(', ')}`);
  if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(values.username!)) fail('--username: lower-case letters, digits, . _ - (at most 64)');
}

/** a refusal after the database is open: said, and the database closed properly (an embedded server stops) */
class Refused extends Error {}
const refuse = (message: string): never => {
  throw new Refused(message);
};

const db = await openHubDatabase();
try {
  const password = randomBytes(12).toString('base64url');
  switch (command) {
    case 'add':
      await createConsoleUser(db.ds, {
        username: values.username!,
        password,
        name: values.name!,
        roles: (values.role ?? []).filter(isRole),
        department: values.department ?? null,
        office: values.office ?? null,
        officeName: values['office-name'] ?? null,
      });
      process.stdout.write(`${values.username} created; password (shown once): ${password}\n`);
      break;
    case 'reset-password':
      if (!(await setConsolePassword(db.ds, values.username!, password))) refuse(`no console user ${values.username}`);
      process.stdout.write(`${values.username}: open sessions ended; new password (shown once): ${password}\n`);
      break;
    case 'disable':
    case 'enable': {
      const active = command === 'enable';
      const [rows] = await db.ds.query(`UPDATE console_user SET active = $2, updated_at = now() WHERE username = $1 RETURNING id`, [
        values.username,
        active,
      ]);
      if (!rows.length) refuse(`no console user ${values.username}`);
      if (!active)
        await db.ds.query(`UPDATE console_session SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, [rows[0].id]);
      process.stdout.write(`${values.username} ${active ? 'enabled' : 'disabled; open sessions ended'}\n`);
      break;
    }
    case 'list': {
      const rows = await db.ds.query(
        `SELECT username, display_name, roles, department, office_code, office_name, active FROM console_user ORDER BY username`,
      );
      for (const r of rows)
        process.stdout.write(
          `${r.username}\t${r.display_name}\t${r.roles.join('+')}\t${r.department ?? '-'}\t${r.office_code ?? '-'} ${r.office_name ?? ''}\t${r.active ? 'active' : 'disabled'}\n`,
        );
      break;
    }
  }
} catch (err) {
  if (!(err instanceof Refused)) throw err;
  console.error(err.message);
  process.exitCode = 2;
} finally {
  await db.close();
}
