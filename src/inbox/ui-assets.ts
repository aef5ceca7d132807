// The inbox's web UI: a Vite build of src/inbox/ui into dist/inbox-ui.
// `npm run build` makes it; a checkout started with `npm start` that has no
// build yet gets one on first start (Vite is a dev dependency, so this works
// after `npm install`; the production image is built with it).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../observability/logger.js';

// From src/inbox/ or dist/inbox/ alike, two levels up is the project.
const PROJECT = new URL('../../', import.meta.url);
export const UI_DIST = fileURLToPath(new URL('dist/inbox-ui/', PROJECT));
export const UI_CONFIG = fileURLToPath(new URL('src/inbox/ui/vite.config.ts', PROJECT));

let building: Promise<boolean> | undefined;

export async function buildUi(): Promise<void> {
  const vite = await import('vite');
  await vite.build({ configFile: UI_CONFIG, logLevel: 'warn' });
}

/** True when the built UI is there (building it first if need be and possible). */
export function ensureUi(logger: Logger): Promise<boolean> {
  if (existsSync(`${UI_DIST}index.html`)) return Promise.resolve(true);
  building ??= (async () => {
    logger.info('building the operator inbox UI (first start; `npm run build` does it ahead of time)');
    try {
      await buildUi();
      return existsSync(`${UI_DIST}index.html`);
    } catch (error) {
      logger.warn({ err: error }, 'the operator inbox UI could not be built; run `npm run build:inbox`');
      return false;
    }
  })();
  return building;
}
