// Debian's Chromium for the browser tests, with the flags that work as root
// on a closed network (TESTING-NOTES); playwright gives each launch a fresh profile.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Where a browser test saves a screenshot: the README's docs/screenshots/ when asked for
 * (`SCREENSHOTS=1 npm test`), else a temporary directory, so `npm test` changes no tracked file.
 */
export function screenshotPath(name: string): string {
  const dir = process.env.SCREENSHOTS === '1' ? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url)) : scratch();
  return join(dir, `${name}.png`);
}

let scratchDir: string | undefined;
function scratch(): string {
  scratchDir ??= mkdtempSync(join(tmpdir(), 'aduan-screenshots-'));
  return scratchDir;
}
