// The whole service started in-process on the test database, as `npm start` composes it.
import { startApplication, type RunningApplication } from '../../src/app/application.js';
import type { Config } from '../../src/config/schema.js';
import { createLogger } from '../../src/observability/logger.js';
import { defaultConfig } from './config.js';
import type { TestDatabase } from './database.js';

export async function startTestApp(db: TestDatabase, configure: (config: Config) => void = () => undefined): Promise<RunningApplication> {
  const config = defaultConfig((c) => {
    c.database.uri = `${db.uri.replace(/\/?$/, '/')}${db.name}`;
    c.server.port = 0;
    configure(c);
  });
  process.env.HOST = '127.0.0.1';
  return startApplication(config, createLogger({ level: 'warn' }));
}
