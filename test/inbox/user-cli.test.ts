// `npm run user`: the CLI against the test database, as an administrator runs it.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { operatorModel } from '../../src/storage/models/operator.js';
import { useTestDatabase } from '../support/database.js';

const db = useTestDatabase(import.meta.filename);
// A city's file over the default, as an administrator would have one; here only a cheaper hash.
const configFile = join(mkdtempSync(join(tmpdir(), 'aduan-user-cli-')), 'kota.yaml');
writeFileSync(configFile, 'inbox:\n  passwordCost: 10\n');

function run(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['--import', 'tsx', 'scripts/user.ts', ...args], { env: { ...process.env, CONFIG_FILE: configFile, MONGODB_URI: `${db.uri.replace(/\/?$/, '/')}${db.name}` } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
    child.stdin?.end(input ?? '');
  });
}

describe('npm run user', () => {
  it('adds an agency operator with a piped password, refuses bad input, disables and resets', async () => {
    expect(await run(['add', 'pdam.rina', '--role', 'agency', '--agency', 'PDAM', '--name', 'Rina'], 'sandi-rahasia-panjang\n')).toMatchObject({ code: 0 });
    const stored = await operatorModel(db.connection).findById('pdam.rina').lean();
    expect(stored).toMatchObject({ role: 'agency', agency: 'PDAM', name: 'Rina', disabled: false });
    expect(stored?.passwordHash).toMatch(/^scrypt\$10\$/);

    expect(await run(['add', 'x.y', '--role', 'agency', '--agency', 'NOPE'], 'sandi-rahasia-panjang')).toMatchObject({ code: 1, stderr: expect.stringContaining('agency:') as unknown });
    expect(await run(['add', 'pendek', '--role', 'supervisor'], 'pendek')).toMatchObject({ code: 1, stderr: expect.stringContaining('at least 10 characters') as unknown });
    expect(await run(['frobnicate'])).toMatchObject({ code: 2 });

    expect((await run(['disable', 'pdam.rina'])).code).toBe(0);
    expect((await operatorModel(db.connection).findById('pdam.rina').lean())?.disabled).toBe(true);
    const reset = await run(['reset', 'pdam.rina']);
    expect(reset.stdout).toMatch(/password \(shown once\): \S{16}/);
    expect((await operatorModel(db.connection).findById('pdam.rina').lean())?.passwordHash).not.toBe(stored?.passwordHash);
    expect((await run(['list'])).stdout).toContain('pdam.rina\tagency\tPDAM\tdisabled\tRina');
  });
});
