// Connects to MongoDB with retries and backoff, and gives up with a clear
// message after a bound, so a misconfigured deployment fails fast and loudly
// instead of hanging.
import mongoose, { type Connection } from 'mongoose';
import type { Logger } from '../observability/logger.js';

export interface ConnectOptions {
  readonly uri: string;
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** Database name when the URI has none. */
  readonly dbName?: string;
}

export class DatabaseUnavailableError extends Error {
  constructor(readonly attempts: number, readonly lastError: unknown) {
    super(`database unreachable after ${attempts} attempts: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
    this.name = 'DatabaseUnavailableError';
  }
}

export async function connectDatabase({ uri, timeoutMs, logger, dbName }: ConnectOptions): Promise<Connection> {
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
