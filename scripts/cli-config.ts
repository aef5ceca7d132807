// The configuration a command-line tool runs with: default.yaml, CONFIG_FILE
// and the environment, as the service loads it, and a database at
// MONGODB_URI (the embedded one belongs to the running service). Exits 2 with
// the problems otherwise.
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../src/config/load.js';
import type { Config } from '../src/config/schema.js';

export function loadCliConfig(whyUriNeeded: string): Config & { database: { uri: string } } {
  let config: Config;
  try {
    config = loadConfig({ files: [fileURLToPath(new URL('../config/default.yaml', import.meta.url)), ...(process.env.CONFIG_FILE ? [process.env.CONFIG_FILE] : [])], env: process.env });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.problems.join('\n'));
    process.exit(2);
  }
  const uri = config.database.uri;
  if (!uri) {
    console.error(whyUriNeeded);
    process.exit(2);
  }
  return { ...config, database: { ...config.database, uri } };
}
