// `npm start`: load and validate the configuration, start the service, and
// stop it cleanly on SIGINT/SIGTERM.
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../config/load.js';
import { createLogger } from '../observability/logger.js';
import { startApplication } from './application.js';

const DEFAULT_CONFIG = fileURLToPath(new URL('../../config/default.yaml', import.meta.url));
/** After the grace period, the close steps (database, embedded database) get this long. */
const CLOSE_LIMIT_MS = 15_000;

async function main(): Promise<void> {
  const logger = createLogger();
  const files = [DEFAULT_CONFIG, ...(process.env.CONFIG_FILE ? [process.env.CONFIG_FILE] : [])];
  let config;
  try {
    config = loadConfig({ files, env: process.env });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`Aduan cannot start: the configuration is invalid.\n${error.problems.join('\n')}\n`);
    process.exitCode = 2;
    return;
  }

  let app;
  try {
    app = await startApplication(config, logger);
  } catch (error) {
    logger.fatal({ err: error }, 'Aduan could not start');
    process.exitCode = 1;
    return;
  }

  // Ctrl-C signals the whole process group, and npm forwards what it gets: one stop arrives as two
  // or three signals. Signals within the grace period are the same request; only a later one forces the exit.
  let stopRequestedAt: number | undefined;
  const grace = config.shutdown.grace;
  const running = app;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopRequestedAt !== undefined) {
      if (Date.now() - stopRequestedAt <= grace) {
        logger.info({ signal }, 'already stopping');
        return;
      }
      logger.warn({ signal }, 'signal after the grace period: exiting at once');
      process.exit(1);
    }
    stopRequestedAt = Date.now();
    logger.info({ signal, graceMs: grace }, 'stopping');
    // The stop bounds itself (grace, then the close steps); this only catches a stop that hangs anyway.
    const backstop = setTimeout(() => {
      logger.error('shutdown took too long, exiting');
      process.exit(1);
    }, grace + CLOSE_LIMIT_MS);
    backstop.unref();
    void running.stop().then(() => {
      clearTimeout(backstop);
      logger.info({ ms: Date.now() - (stopRequestedAt ?? Date.now()) }, 'stopped');
      process.exit(0);
    });
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

await main();
