// One mapping from errors to HTTP answers for every inbox route.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ConcurrentUpdateError, IllegalTransitionError, InvalidTicketInputError, TicketNotFoundError } from '../tickets/errors.js';

export function inboxErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const problems = error.validation.map((v) => {
      const path = v.instancePath.replace(/^\//, '').replaceAll('/', '.');
      return `${path === '' ? (error.validationContext ?? 'request') : path}: ${v.message ?? 'invalid'}`;
    });
    return reply.code(400).send({ error: 'bad_request', message: problems.join('; ') });
  }
  if (error instanceof TicketNotFoundError) return reply.code(404).send({ error: 'not_found', message: 'Tiket tidak ditemukan. / Ticket not found.' });
  if (error instanceof ConcurrentUpdateError) {
    return reply.code(409).send({ error: 'conflict', message: 'Tiket sudah diubah orang lain. Muat ulang lalu coba lagi. / Someone else changed the ticket; reload and try again.' });
  }
  if (error instanceof IllegalTransitionError) return reply.code(409).send({ error: 'illegal_transition', message: error.message });
  if (error instanceof InvalidTicketInputError) return reply.code(400).send({ error: 'bad_request', message: error.problems.join('; ') });
  if (error.statusCode !== undefined && error.statusCode < 500) return reply.code(error.statusCode).send({ error: error.code, message: error.message });
  request.log.error({ err: error }, 'inbox request failed');
  return reply.code(500).send({ error: 'internal', message: 'Terjadi kesalahan. / Something went wrong.' });
}

export const notFound = (reply: FastifyReply) => reply.code(404).send({ error: 'not_found', message: 'Tidak ditemukan. / Not found.' });
