// `npm run user -- add|reset|disable|enable|list`: manages inbox operators in
// the database at MONGODB_URI or, when it is unset, in the running service's
// embedded database (see cli-config). A password comes from standard input when it
// is piped (`echo … | npm run user -- add …`), otherwise one is generated and
// printed once.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { connectCliDatabase, loadCliConfig } from './cli-config.js';
import type { OperatorRole } from '../src/inbox/auth/roles.js';
import { addUser, resetPassword, setDisabled, type UserDeps } from '../src/inbox/users.js';
import { createLogger } from '../src/observability/logger.js';
import { mongoAuditStore } from '../src/storage/audit-store.js';
import { mongoOperatorStore, mongoSessionStore } from '../src/storage/operator-store.js';

const USAGE = `usage:
  npm run user -- add <username> --role admin|agency|supervisor|dpo [--agency CODE] [--name "Full name"]
  npm run user -- reset <username>
  npm run user -- disable <username>
  npm run user -- enable <username>
  npm run user -- list
The password is read from standard input when it is piped; otherwise a strong one is generated and printed.`;

async function readPassword(): Promise<{ password: string; generated: boolean }> {
  if (process.stdin.isTTY) return { password: randomBytes(12).toString('base64url'), generated: true };
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  return password === '' ? { password: randomBytes(12).toString('base64url'), generated: true } : { password, generated: false };
}

const { positionals, values } = parseArgs({ allowPositionals: true, options: { role: { type: 'string' }, agency: { type: 'string' }, name: { type: 'string' } } });
const [command, username] = positionals;
if (!command || !['add', 'reset', 'disable', 'enable', 'list'].includes(command) || (command !== 'list' && !username)) {
  console.error(USAGE);
  process.exit(2);
}
const config = loadCliConfig();
const connection = await connectCliDatabase(config, 'npm run user', createLogger({ level: 'warn' }));
const deps: UserDeps = { operators: mongoOperatorStore(connection), sessions: mongoSessionStore(connection), audit: mongoAuditStore(connection), agencies: config.agencies.map((a) => a.code), passwordCost: config.inbox.passwordCost };
const name = username ?? '';
let outcome: { ok: true } | { ok: false; problem: string } = { ok: true };
let generated: string | undefined;
if (command === 'list') {
  for (const o of await deps.operators.list()) console.log([o._id, o.role, o.agency ?? '-', o.disabled ? 'disabled' : 'active', o.name].join('\t'));
} else if (command === 'add' || command === 'reset') {
  const { password, generated: made } = await readPassword();
  if (made) generated = password;
  outcome = command === 'add'
    ? await addUser(deps, { username: name, role: (values.role ?? '') as OperatorRole, ...(values.agency ? { agency: values.agency } : {}), ...(values.name ? { name: values.name } : {}), password }, 'cli')
    : await resetPassword(deps, name, password, 'cli');
} else {
  outcome = await setDisabled(deps, name, command === 'disable', 'cli');
}
await connection.close();
if (!outcome.ok) {
  console.error(outcome.problem);
  process.exit(1);
}
if (command !== 'list') console.log(`${command}: ${name} done${generated ? `\npassword (shown once): ${generated}` : ''}`);
