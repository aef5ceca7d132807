// The application's JSON logger (pino). Every object and message passes
// through maskPii, and secrets are redacted by key, so no phone number, email
// address, token or password is written to a log.
import { pino, type Logger } from 'pino';
import { maskDeep, maskPii } from './mask.js';

export type { Logger } from 'pino';

const SECRET_KEYS = ['password', 'token', 'secret', 'authorization', 'cookie', 'botToken', 'appSecret', 'uri'];

export interface LoggerOptions {
  readonly level?: string;
  readonly destination?: pino.DestinationStream;
}

export function createLogger({ level = process.env.LOG_LEVEL ?? 'info', destination }: LoggerOptions = {}): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'aduan' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: SECRET_KEYS.flatMap((k) => [k, `*.${k}`]), censor: '[redacted]' },
    formatters: {
      level: (label) => ({ level: label }),
      log: (object) => maskDeep(object) as Record<string, unknown>,
    },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? maskPii(a) : a)) as Parameters<typeof method>);
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
