// Debian's Chromium for the browser tests, with the flags that work as root
// on a closed network (TESTING-NOTES); playwright gives each launch a fresh profile.
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AxeResults } from 'axe-core';
import { type Browser, chromium, type Page } from 'playwright-core';

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

/** What axe-core (injected into the page) finds there that a screen-reader or keyboard user would meet. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: createRequire(import.meta.url).resolve('axe-core/axe.min.js') });
  // A string, as the page's own code: the tests are compiled without the DOM's types.
  const results = await page.evaluate<AxeResults>('axe.run()');
  return results.violations.map((v) => ({ id: v.id, impact: v.impact ?? 'minor', help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
}

export interface AxeViolation {
  readonly id: string;
  readonly impact: string;
  readonly help: string;
  readonly targets: readonly string[];
}

/**
 * A real JPEG a browser can show, drawn by Chromium: a flooded street (sky, verge, road, a puddle). The
 * fake images of test/support/images.ts pass the server's sniffer but show as broken images.
 */
export async function drawnPhoto(browser: Browser, width = 640, height = 480, type: 'image/jpeg' | 'image/png' | 'image/webp' = 'image/jpeg'): Promise<Buffer> {
  const page = await browser.newPage();
  try {
    const dataUrl = await page.evaluate<string>(`(${DRAW_FLOODED_STREET})(${String(width)}, ${String(height)}, '${type}')`);
    return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
  } finally {
    await page.close();
  }
}

/**
 * The size Chromium shows an image at (EXIF orientation applied: a portrait photo stored sideways is
 * taller than wide), or null when it cannot decode the bytes.
 */
export async function displayedSize(browser: Browser, bytes: Buffer, type: string): Promise<{ width: number; height: number } | null> {
  const page = await browser.newPage();
  try {
    const src = `data:${type};base64,${bytes.toString('base64')}`;
    return await page.evaluate<{ width: number; height: number } | null>(`new Promise((resolve) => {
      const image = new Image();
      image.onload = () => resolve({ width: image.naturalWidth, height: image.naturalHeight });
      image.onerror = () => resolve(null);
      image.src = ${JSON.stringify(src)};
    })`);
  } finally {
    await page.close();
  }
}

const DRAW_FLOODED_STREET = `(width, height, type) => {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const g = canvas.getContext('2d');
  const sky = g.createLinearGradient(0, 0, 0, height * 0.45);
  sky.addColorStop(0, '#8ec5e8');
  sky.addColorStop(1, '#dcecf5');
  const fill = (colour, draw) => { g.fillStyle = colour; g.beginPath(); draw(); g.fill(); };
  fill(sky, () => g.rect(0, 0, width, height));
  fill('#6f8f5a', () => g.rect(0, height * 0.42, width, height * 0.08));
  fill('#5b5f66', () => { g.moveTo(width * 0.42, height * 0.45); g.lineTo(width * 0.58, height * 0.45); g.lineTo(width, height); g.lineTo(0, height); });
  fill('#7d9bb3', () => g.ellipse(width * 0.5, height * 0.75, width * 0.3, height * 0.1, 0, 0, Math.PI * 2));
  return canvas.toDataURL(type, 0.85);
}`;
