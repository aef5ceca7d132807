// `npm start`: load and validate the configuration, start the service, and
// stop it cleanly on SIGINT/SIGTERM.
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../config/load.js';
import { createLogger } from '../observability/logger.js';
import { startApplication } from './application.js';

const DEFAULT_CONFIG = fileURLToPath(new URL('../../config/default.yaml', import.meta.url));
const SHUTDOWN_LIMIT_MS = 10_000;

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

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting at once');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'stopping');
    setTimeout(() => {
      logger.error('shutdown took too long, exiting');
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS).unref();
    void app.stop().then(() => {
      logger.info('stopped');
      process.exitCode = 0;
    });
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

await main();
