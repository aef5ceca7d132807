// The embedded database helper's own Go tests (tools/ferretdb/*_test.go): how many cores it lets FerretDB use.
// They build against the patched FerretDB module that `npm run build:ferretdb` (or the test database's first start) prepared.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { HELPER_DIR } from '../../src/storage/ferretdb-build.js';

describe('the embedded database helper', () => {
  it('uses half the cores while only short commands run, and every core while a slow one does (go test)', async () => {
    expect(existsSync(join(HELPER_DIR, 'bin', 'go.build.mod'))).toBe(true);
    const { stdout } = await promisify(execFile)('go', ['test', '-modfile=bin/go.build.mod', '-count=1', '-v', '.'], { cwd: HELPER_DIR, env: { ...process.env, GOMAXPROCS: '' } });
    expect(stdout).toContain('--- PASS: TestCoresWidenOnlyWhileASlowCommandRuns');
    expect(stdout).not.toContain('--- SKIP');
  }, 120_000);
});
