// Connects to MongoDB with retries and backoff, and gives up with a clear
// message after a bound, so a misconfigured deployment fails fast and loudly
// instead of hanging.
import mongoose, { type Connection } from 'mongoose';
import type { Logger } from '../observability/logger.js';

export interface ConnectOptions {
  readonly uri: string;
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** Database name when the URI has none; default `aduan`. */
  readonly dbName?: string;
}

/** The service's database when the URI names none (the driver would pick `test`). */
export const DEFAULT_DATABASE = 'aduan';

// The URI's shape as the driver's parser reads it: scheme, optional
// credentials (the password may hold an unescaped `/` or `?`, never `@`),
// hosts, then `/database?options`.
const URI = /^mongodb(?:\+srv)?:\/\/(?:[^:@]*(?::[^@]*)?@)?[^/?@]*(?<rest>.*)$/s;

/** The database a connection string names, or undefined when it names none (`mongodb://host/?x=y`). */
export function databaseNameIn(uri: string): string | undefined {
  const rest = URI.exec(uri)?.groups?.rest ?? '';
  if (!rest.startsWith('/')) return undefined;
  const name = rest.slice(1).split(/[?#]/)[0] ?? '';
  if (name === '') return undefined;
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/** The dbName option to connect with: none when the URI names a database, else the fallback. */
export function dbNameFor(uri: string, fallback: string = DEFAULT_DATABASE): string | undefined {
  return databaseNameIn(uri) === undefined ? fallback : undefined;
}

export class DatabaseUnavailableError extends Error {
  constructor(readonly attempts: number, readonly lastError: unknown) {
    super(`database unreachable after ${attempts} attempts: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
    this.name = 'DatabaseUnavailableError';
  }
}

export async function connectDatabase({ uri, timeoutMs, logger, dbName: fallback }: ConnectOptions): Promise<Connection> {
  // Every caller (service and CLIs) gets the same database for the same URI.
  const dbName = dbNameFor(uri, fallback);
  const deadline = Date.now() + timeoutMs;
  let attempt = 0;
  let delay = 250;
  for (;;) {
    attempt++;
    const connection = mongoose.createConnection(uri, {
      ...(dbName ? { dbName } : {}),
      // Several short attempts fit in the bound, so a database that comes up late is still found.
      serverSelectionTimeoutMS: Math.max(500, Math.min(5_000, Math.round((deadline - Date.now()) / 3))),
      autoIndex: false,
      autoCreate: false,
    });
    try {
      await connection.asPromise();
      logger.info({ attempt, database: connection.name }, 'database connected');
      return connection;
    } catch (error) {
      await connection.close().catch(() => undefined);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new DatabaseUnavailableError(attempt, error);
      logger.warn({ attempt, retryInMs: Math.min(delay, remaining), err: error }, 'database not reachable yet, retrying');
      await new Promise((resolve) => setTimeout(resolve, Math.min(delay, remaining)));
      delay = Math.min(delay * 2, 5_000);
    }
  }
}
