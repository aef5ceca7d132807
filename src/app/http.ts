// The HTTP server every part of the service hangs its routes on. It starts
// with the operational endpoints: `/healthz` (contract in DESIGN.md) and
// `/metrics` (Prometheus).
import Fastify, {
  type FastifyInstance,
  LogController,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import type { Connection } from 'mongoose';
import type { HealthRegistry } from '../observability/health.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';

export interface HttpDeps {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly health: HealthRegistry;
  readonly connection: Connection;
  readonly databaseKind: string;
  /** The embedded FerretDB's engine (postgresql or sqlite), shown beside the kind. */
  readonly databaseBackend?: string;
}

const PING_TIMEOUT_MS = 2_000;

export function createHttpServer({ logger, metrics, health, connection, databaseKind, databaseBackend }: HttpDeps): FastifyInstance {
  // Explicit type arguments keep the instance typed with Fastify's base logger, so
  // plugins written against FastifyInstance accept it.
  const app = Fastify<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression>({
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: true,
    bodyLimit: 1_048_576,
  });

  app.get('/healthz', async (_request, reply) => {
    const database = await pingDatabase(connection);
    const body = {
      status: database.status === 'up' ? 'ok' : 'degraded',
      database: { ...database, kind: databaseKind, ...(databaseBackend ? { backend: databaseBackend } : {}), name: connection.name },
      channels: health.snapshot(),
    };
    return reply.code(database.status === 'up' ? 200 : 503).send(body);
  });

  app.get('/metrics', async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });

  return app;
}

async function pingDatabase(connection: Connection): Promise<{ status: 'up' | 'down'; latencyMs?: number; error?: string }> {
  const started = performance.now();
  try {
    const db = connection.db;
    if (!db) throw new Error('not connected');
    await Promise.race([
      db.command({ ping: 1 }),
      new Promise((_resolve, reject) => setTimeout(() => { reject(new Error('ping timed out')); }, PING_TIMEOUT_MS).unref()),
    ]);
    return { status: 'up', latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch (error) {
    return { status: 'down', error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Closes the server: no new connections, requests in progress finish. A
 * keep-alive connection that goes idle after close() began (an ended long
 * poll) would otherwise stay open for the whole keep-alive timeout, so idle
 * connections are closed again until the server is done.
 */
export async function closeHttpServer(app: FastifyInstance): Promise<void> {
  const closing = app.close();
  const sweep = setInterval(() => { app.server.closeIdleConnections(); }, 100);
  try {
    await closing;
  } finally {
    clearInterval(sweep);
  }
}
