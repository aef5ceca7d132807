// The configuration a command-line tool runs with (default.yaml, CONFIG_FILE
// and the environment, as the service loads it) and its database: the one at
// MONGODB_URI, else the embedded database of the service running on the same
// DATA_DIR (found through the file it writes there). Exits 2 with the
// problem otherwise.
import type { Connection } from 'mongoose';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../src/config/load.js';
import type { Config } from '../src/config/schema.js';
import type { Logger } from '../src/observability/logger.js';
import { connectDatabase, DatabaseUnavailableError } from '../src/storage/connect.js';
import { embeddedDatabaseFile, type EmbeddedDatabaseRecord, isProcessAlive, readEmbeddedDatabaseRecord } from '../src/storage/embedded-db-file.js';

// A live embedded database answers at once; waiting longer only delays the message.
const EMBEDDED_ANSWER_TIMEOUT_MS = 5_000;

export function loadCliConfig(): Config {
  try {
    return loadConfig({ files: [fileURLToPath(new URL('../config/default.yaml', import.meta.url)), ...(process.env.CONFIG_FILE ? [process.env.CONFIG_FILE] : [])], env: process.env });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.problems.join('\n'));
    process.exit(2);
  }
}

/** What to tell the operator when MONGODB_URI is unset and no running embedded database was found. */
export function noDatabaseMessage(command: string, dataDir: string, why: string): string {
  return `${command} needs the service's database: ${why}. Start the service (\`npm start\`) with the same DATA_DIR (${dataDir}), or set MONGODB_URI.`;
}

/** The recorded embedded database if its process is alive, else why it cannot be used. */
export function locateEmbeddedDatabase(dataDir: string, alive: (pid: number) => boolean = isProcessAlive): { record: EmbeddedDatabaseRecord } | { problem: string } {
  const file = embeddedDatabaseFile(dataDir);
  const record = readEmbeddedDatabaseRecord(dataDir);
  if (!record) return { problem: `MONGODB_URI is unset and no embedded database is running (no readable ${file})` };
  if (!alive(record.pid)) return { problem: `MONGODB_URI is unset and the embedded database recorded in ${file} (pid ${String(record.pid)}) is not running` };
  return { record };
}

/**
 * Connects to the service's database (`aduan` when the URI names none, as the service does).
 * `command` names the tool in messages, e.g. `npm run user`.
 */
export async function connectCliDatabase(config: Config, command: string, logger: Logger): Promise<Connection> {
  const { uri } = config.database;
  if (uri) return connectDatabase({ uri, timeoutMs: config.database.connectTimeout, logger });
  const found = locateEmbeddedDatabase(config.dataDir);
  if ('problem' in found) return exitWith(noDatabaseMessage(command, config.dataDir, found.problem));
  try {
    // Retry warnings would only precede the message below.
    return await connectDatabase({ uri: found.record.uri, timeoutMs: Math.min(EMBEDDED_ANSWER_TIMEOUT_MS, config.database.connectTimeout), logger: logger.child({}, { level: 'error' }) });
  } catch (error) {
    if (!(error instanceof DatabaseUnavailableError)) throw error;
    return exitWith(noDatabaseMessage(command, config.dataDir, `MONGODB_URI is unset and the embedded database recorded in ${embeddedDatabaseFile(config.dataDir)} does not answer at ${found.record.uri}`));
  }
}

function exitWith(message: string): never {
  console.error(message);
  process.exit(2);
}
