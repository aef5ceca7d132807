// `npm run job -- <name>` against the test database.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database.js';

const run = promisify(execFile);
const db = useTestDatabase(import.meta.filename);
const ROOT = new URL('../../', import.meta.url).pathname;

describe('npm run job', () => {
  it('runs one job now and says what it did', async () => {
    const { stdout } = await run('npm', ['run', '--silent', 'job', '--', 'confirmations'], { cwd: ROOT, env: { ...process.env, MONGODB_URI: `${db.uri.replace(/\/?$/, '/')}${db.name}`, LOG_LEVEL: 'warn' } });
    expect(stdout.trim()).toBe('confirmations: 0 handled');
  });

  it('names the jobs when asked for one that does not exist', async () => {
    const failed = (await run('npm', ['run', '--silent', 'job', '--', 'nope'], { cwd: ROOT }).then(
      () => ({ code: 0, stderr: '' }),
      (error: unknown) => error,
    )) as { code: number; stderr: string };
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain('usage: npm run job -- <outboxRetry|conversationExpiry|slaSweep|agencyNotices|dailyReport|monthlyReport|sessionCleanup|confirmations>');
  });
});
