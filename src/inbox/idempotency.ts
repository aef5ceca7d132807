// An action sent with an `Idempotency-Key` header acts once: the first request
// claims the key (per operator) and its answer is stored for `inbox.idempotencyTtl`;
// a repeat gets that answer (header `Idempotent-Replayed: true`) without acting
// again, and one that arrives while the first still runs waits for it. A double
// click, or a retry after a lost answer, cannot reply, transfer or reject twice.
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IdempotencyStore } from '../storage/idempotency-store.js';
import { operatorOf } from './auth/guard.js';
import { refuse } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The claimed key of this request, whose answer the onSend hook stores. */
    idempotencyClaim?: string;
  }
}

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const KEY = /^[A-Za-z0-9_.:-]{8,128}$/;
/** How long a repeat waits for the first request's answer before it is told to try later. */
const WAIT_MS = 15_000;
const POLL_MS = 50;

export interface IdempotencyDeps {
  readonly store: IdempotencyStore;
  readonly ttlMs: number;
  readonly clock: () => Date;
}

/** A preHandler for action routes, after requireOperator: claims the key or answers as the first request did. */
export function idempotent(deps: IdempotencyDeps) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const header = request.headers[IDEMPOTENCY_HEADER];
    const key = Array.isArray(header) ? header[0] : header;
    if (key === undefined) return;
    if (!KEY.test(key)) {
      await refuse(reply, 'validation', { issues: [{ field: 'Idempotency-Key', problem: 'format' }] });
      return;
    }
    // Per operator: one operator's key never answers another's request.
    const id = `${operatorOf(request).username}:${key}`;
    const what = `${request.method} ${request.url}`;
    const giveUp = Date.now() + WAIT_MS;
    for (;;) {
      const now = deps.clock();
      const claim = await deps.store.claim(id, what, now, new Date(now.getTime() + deps.ttlMs));
      if (claim.kind === 'claimed') {
        request.idempotencyClaim = id;
        return;
      }
      if (claim.kind === 'mismatch') {
        await refuse(reply, 'idempotency_key_reused');
        return;
      }
      if (claim.kind === 'done') {
        await reply.code(claim.answer.status).header('idempotent-replayed', 'true').type(claim.answer.contentType ?? 'application/json; charset=utf-8').send(claim.answer.body);
        return;
      }
      if (Date.now() >= giveUp) {
        await refuse(reply, 'idempotency_in_progress');
        return;
      }
      await sleep(POLL_MS);
    }
  };
}

/** The onSend hook that stores a claimed request's answer, or gives the claim back when the server failed (a retry may act). */
export function storeAnswer(deps: IdempotencyDeps) {
  return async (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    const id = request.idempotencyClaim;
    if (id === undefined) return payload;
    request.idempotencyClaim = undefined;
    if (reply.statusCode >= 500) {
      await deps.store.release(id);
      return payload;
    }
    const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : '';
    const contentType = reply.getHeader('content-type');
    await deps.store.complete(id, { status: reply.statusCode, body, ...(typeof contentType === 'string' ? { contentType } : {}) });
    return payload;
  };
}
