// Answers in the format the path asks for (`.json` or `.xml`), and errors in
// the spec's shape: `[{code, description}]` or `<errors><error>…`, with the
// HTTP status as the code. Descriptions are for the client's developer.
import type { FastifyReply } from 'fastify';
import { xmlDocument, xmlSingle } from './xml.js';

export type Format = 'json' | 'xml';

/** `services.json` → ['services', 'json']; undefined for another suffix. */
export function splitFormat(file: string): { name: string; format: Format } | undefined {
  const match = /^(.+)\.(json|xml)$/.exec(file);
  return match ? { name: match[1] ?? '', format: match[2] === 'xml' ? 'xml' : 'json' } : undefined;
}

const CONTENT_TYPE: Readonly<Record<Format, string>> = { json: 'application/json; charset=utf-8', xml: 'text/xml; charset=utf-8' };

/** A list: a JSON array, or `<root><item>…` in XML. */
export function sendList(reply: FastifyReply, format: Format, root: string, item: string, items: readonly object[], status = 200): FastifyReply {
  return reply.code(status).type(CONTENT_TYPE[format]).send(format === 'json' ? JSON.stringify(items) : xmlDocument(root, item, items));
}

/** One document: a JSON object, or `<root>…</root>` in XML (where a list is an element repeated inside another). */
export function sendOne(reply: FastifyReply, format: Format, root: string, json: object, xml: object = json): FastifyReply {
  return reply.code(200).type(CONTENT_TYPE[format]).send(format === 'json' ? JSON.stringify(json) : xmlSingle(root, xml));
}

export function sendErrors(reply: FastifyReply, format: Format, status: number, descriptions: readonly string[]): FastifyReply {
  return sendList(reply, format, 'errors', 'error', descriptions.map((description) => ({ code: status, description })), status);
}
