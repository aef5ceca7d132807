// The shape of `config/*.yaml`, validated at start. Durations and sizes are
// written for people (`24h`, `10MB`) and carried inward as numbers (fields.ts).
import { z } from 'zod';
import { duplicatesSettings } from './duplicates.js';
import { eventsSettings } from './events.js';
import { retentionSettings } from './retention.js';
import { code, cronExpression, duration, email, localizedText, size, slaCalendar, waTemplate } from './fields.js';

const person = z.strictObject({
  name: z.string().min(1),
  email: email.optional(),
  telegramChatId: z.union([z.string(), z.number()]).transform(String).optional(),
});

const agency = z.strictObject({
  code,
  name: z.string().min(1),
  contacts: z.strictObject({
    email,
    telegramChatId: z.union([z.string(), z.number()]).transform(String).nullish(),
    phone: z.string().optional(),
  }),
  supervisors: z.array(person).default([]),
});

const category = z
  .strictObject({
    code,
    name: localizedText,
    keywords: z.array(z.string().min(1)).default([]),
    agency: code.optional(),
    /** Outside the city's authority: forwarded to this national channel instead of an agency. */
    forwardTo: z.string().min(1).optional(),
  })
  .refine((c) => (c.agency === undefined) !== (c.forwardTo === undefined), {
    message: 'expected exactly one of "agency" (handled by the city) or "forwardTo" (outside its authority)',
  });

export const configSchema = z
  .strictObject({
    city: z.strictObject({
      name: z.string().min(1),
      timezone: z.string().refine(isTimeZone, { error: (issue) => `expected an IANA time zone like Asia/Jakarta, got ${JSON.stringify(issue.input)}` }),
      locale: z.enum(['id', 'en']),
    }),
    server: z.strictObject({ port: z.number().int().min(0).max(65_535) }),
    database: z.strictObject({
      uri: z.string().min(1).optional(),
      connectTimeout: duration,
      /** Without a uri: FerretDB's engine; auto = PostgreSQL when installed (README, "The embedded database"). */
      embeddedBackend: z.enum(['auto', 'postgresql', 'sqlite']).default('auto'),
    }),
    dataDir: z.string().min(1),
    ticketNumber: z.strictObject({ prefix: z.string().regex(/^[A-Z]{2,6}$/, 'expected 2 to 6 capital letters') }),
    agencies: z.array(agency).min(1),
    categories: z.array(category).min(1),
    /** The central operators (Admin Pusat), copied on every escalation. */
    centralOperators: z.strictObject({ emails: z.array(email).default([]) }),
    forwarding: z.record(z.string(), z.strictObject({ name: z.string().min(1), url: z.url() })),
    /** Which milestones of a ticket the reporter is told about on their own channel (README, "Kept informed"). */
    milestones: z.strictObject({ takenUp: z.boolean(), transferred: z.boolean(), forwarded: z.boolean(), resultReady: z.boolean() }),
    sla: z.strictObject({
      firstResponse: duration,
      firstResponseReminderRatio: z.number().gt(0).lt(1),
      followUp: duration,
      confirmationReminder: duration,
      closeAfterReminder: duration,
      /** Clock or working time for the agency's deadlines (first response, follow-up and their reminders); see src/tickets/calendar.ts. */
      calendar: slaCalendar.optional(),
    }),
    schedules: z.record(z.string(), cronExpression),
    conversation: z.strictObject({
      /** A flow waiting longer than this for an answer ends with a message. */
      inactivityTimeout: duration,
      /** How long a report that arrived in one piece (email) waits for the facts it lacks. */
      oneShotTimeout: duration,
      /** "Not solved" without a reason: the reason is awaited this long, then the ticket reopens without it. */
      reopenReasonTimeout: duration,
      /** After a confirmed close, "how satisfied are you (1–5)?": the next message is read as the rating this long. */
      ratingWindow: duration.default(3 * 86_400_000),
      /** Photos sent together are acknowledged once, this long after the last of them. */
      settleWindow: duration,
      /** A text this soon after a free-text answer (the description) continues it: a story told in several messages. */
      joinWindow: duration,
      /** Messages processed at once by one instance; the rest wait their turn (bounded memory). */
      maxConcurrent: z.number().int().min(1).max(1_000),
    }),
    /** The privacy notice shown once per person per channel at first contact (UU PDP No. 27/2022). */
    privacy: z.strictObject({
      /** Change it when the notice changes in substance: everyone sees the new notice once. Stored with each conversation. */
      version: z.string().min(1),
      /** Per language; `{url}` and `{city}` are filled in. */
      notice: localizedText,
      url: z.url(),
      /**
       * Roles that see reporters' and followers' phone, email, address and channel account masked in the inbox
       * (list, detail, search, CSV, reporter panel); one click reveals a value, audited (issue 17 item 4).
       */
      maskRoles: z.array(z.enum(['admin', 'agency', 'supervisor', 'dpo'])).default(['agency', 'supervisor']),
      /**
       * The reporter's contact in the notice mail to the agency: `full` (default: an agency that works by email must
       * call back for the field work), or `masked` like the inbox (the agency reveals it there, audited).
       */
      agencyMail: z.enum(['full', 'masked']).default('full'),
    }),
    /** How long personal data is kept, per kind (retention.ts; README, "Retention"). */
    retention: retentionSettings,
    /** How long an instance's hold on shared work lasts: a holder that died blocks the others this long at most. */
    leases: z.strictObject({
      conversation: duration,
      outboxClaim: duration,
      job: duration,
      /** A receiver only one instance may run (Telegram polling, the IMAP mailbox, WhatsApp Web); renewed every third. */
      singleton: duration.refine((ms) => ms >= 1_000, 'expected at least 1s, e.g. 30s'),
    }),
    shutdown: z.strictObject({
      /** SIGINT/SIGTERM: in-flight work gets this long to finish; only a signal after it forces an exit. */
      grace: duration,
    }),
    outbox: z.strictObject({
      /** First retry after this long, doubling each time up to `retryMax`. */
      retryBase: duration,
      retryMax: duration,
      maxAttempts: z.number().int().min(1).max(100),
    }),
    /** Nearby duplicates offered in the conversation (duplicates.ts). */
    duplicates: duplicatesSettings,
    /** Live updates between instances on one database (events.ts; README, "Live updates across instances"). */
    events: eventsSettings,
    limits: z.strictObject({
      photoMaxBytes: size,
      photosPerTicket: z.number().int().min(0).max(50),
      descriptionMaxChars: z.number().int().min(100).max(100_000),
    }),
    channels: z.strictObject({
      /** The web chat: messages one session may send per minute, counted across instances. */
      webchat: z.strictObject({ rateLimit: z.number().int().min(1).max(10_000) }),
      telegram: z.strictObject({
        botToken: z.string().min(1).optional(),
        apiRoot: z.url(),
        /** Webhook mode when set (the public https URL Telegram posts to); long polling otherwise. */
        webhookUrl: z.url().optional(),
        /** Telegram sends it back in X-Telegram-Bot-Api-Secret-Token; derived from the token when unset. */
        webhookSecret: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, 'expected 1–256 letters, digits, _ or -').optional(),
        allowGroups: z.boolean(),
      }),
      whatsappWeb: z.strictObject({
        enabled: z.boolean(),
        chromiumPath: z.string().min(1),
        /** `local`: the session on disk under dataDir; `remote`: in MongoDB (containers without a volume). */
        auth: z.enum(['local', 'remote']),
      }),
      whatsappCloud: z.strictObject({
        token: z.string().min(1).optional(),
        phoneNumberId: z.string().min(1).optional(),
        verifyToken: z.string().min(1).optional(),
        appSecret: z.string().min(1).optional(),
        apiRoot: z.url(),
        /** An approved template for messages outside the 24-hour customer window; one body parameter receives the text. */
        followUpTemplate: z.strictObject({ name: z.string().min(1), language: z.string().min(2) }).optional(),
        /**
         * Approved templates for the late messages outside the 24-hour window, by the message's kind, with
         * the parameters README lists; a kind without one goes as `followUp` (else `followUpTemplate`), its text the one parameter.
         */
        templates: z
          .strictObject({
            followUp: waTemplate.optional(),
            confirmationRequest: waTemplate.optional(),
            confirmationReminder: waTemplate.optional(),
            autoClosed: waTemplate.optional(),
            milestone: waTemplate.optional(),
            operatorReply: waTemplate.optional(),
          })
          .optional(),
      }),
      email: z.strictObject({
        imap: z.strictObject({
          host: z.string().min(1).optional(),
          port: z.number().int().min(1).max(65_535),
          secure: z.boolean(),
          user: z.string().optional(),
          password: z.string().optional(),
        }),
        smtp: z.strictObject({
          host: z.string().min(1).optional(),
          port: z.number().int().min(1).max(65_535),
          secure: z.boolean(),
          user: z.string().optional(),
          password: z.string().optional(),
        }),
        from: z.string().min(1).optional(),
        /** The folder new mail arrives in. */
        mailbox: z.string().min(1),
        /** Look for new mail at least this often, whatever IDLE says (dead IDLE connections, servers without IDLE). */
        pollInterval: duration,
        /** Larger mail is not downloaded; the sender is told. */
        maxMessageSize: size,
        /** Attachments other than photos that are kept with the ticket, by MIME type. */
        allowedFileTypes: z.array(z.string().regex(/^[a-z]+\/[a-z0-9.+-]+$/, 'expected a MIME type like application/pdf')),
        /** Mail a single sender may send before the rest is set aside (loops, abuse). */
        rateLimit: z.strictObject({ messages: z.number().int().min(1), per: duration }),
      }),
    }),
    /** The operator inbox: sessions, login throttling, password hashing, replies to citizens. */
    inbox: z.strictObject({
      /** A session ends this long after login, whatever happens. */
      sessionTtl: duration,
      /** ... and earlier when unused this long. */
      sessionIdle: duration,
      /** Failed logins in a row before the account is locked for `lockout`. */
      loginMaxAttempts: z.number().int().min(1).max(100),
      lockout: duration,
      /** Failed logins per minute from one address, whatever the usernames, before its logins wait. */
      loginRateLimit: z.number().int().min(1).max(10_000),
      /** scrypt cost as log2(N): 15 (N = 32768, 32 MiB, ~50-100 ms) in production; tests use less. */
      passwordCost: z.number().int().min(10).max(20),
      /** Cookies carry Secure when the request came over HTTPS (`auto`, behind a TLS proxy), or always. */
      secureCookies: z.enum(['auto', 'always']),
      /** After an operator's reply, the citizen's messages go to that ticket's thread for this long. */
      replyWindow: duration,
      /** The canned responses file, relative to the working directory. */
      cannedFile: z.string().min(1),
      /** How long an action's Idempotency-Key answers a repeat with the first answer (a double click, a retry after a lost reply). */
      idempotencyTtl: duration,
      /** Round-robin: a ticket reaching an agency with no owner goes to its least-loaded active operator below `cap` open tickets; per agency overrides. */
      roundRobin: z
        .strictObject({
          enabled: z.boolean(),
          cap: z.number().int().min(1).max(1000),
          agencies: z.record(z.string(), z.strictObject({ enabled: z.boolean().optional(), cap: z.number().int().min(1).max(1000).optional() })).optional(),
        })
        .default({ enabled: false, cap: 10 }),
    }),
    admin: z.strictObject({ username: z.string().min(1).optional(), password: z.string().min(8, 'expected at least 8 characters').optional() }),
    /** The public pages (a status link per ticket, the map at /peta): no personal data (README, "Public status page and map"). */
    public: z
      .strictObject({
        /** Where citizens open the links the bot sends (PUBLIC_URL); http://localhost:<port> when unset. */
        baseUrl: z.url().optional(),
        /** The map shows open tickets, and resolved or closed ones this recent; at most `maxTickets`, newest first. */
        /** `cacheFor`: one query per filter this long at most, however many open the map. */
        map: z.strictObject({ resolvedWithin: duration, maxTickets: z.number().int().min(1).max(5_000), cacheFor: duration.default(30_000) }),
      })
      .default({ map: { resolvedWithin: 30 * 86_400_000, maxTickets: 500, cacheFor: 30_000 } }),
  })
  .superRefine((config, ctx) => {
    if (config.channels.whatsappWeb.enabled && config.channels.whatsappCloud.token) {
      ctx.addIssue({ code: 'custom', path: ['channels', 'whatsappWeb', 'enabled'], message: 'use either whatsapp-web.js (WHATSAPP_ENABLED) or the Cloud API (WHATSAPP_CLOUD_TOKEN), not both: they answer the same people' });
    }
    const agencyCodes = config.agencies.map((a) => a.code);
    reportDuplicates(agencyCodes, ['agencies'], 'agency', ctx);
    reportDuplicates(config.categories.map((c) => c.code), ['categories'], 'category', ctx);
    config.categories.forEach((c, i) => {
      if (c.agency !== undefined && !agencyCodes.includes(c.agency)) {
        ctx.addIssue({
          code: 'custom',
          path: ['categories', i, 'agency'],
          message: `unknown agency "${c.agency}" (expected one of ${agencyCodes.join(', ')})`,
        });
      }
      if (c.forwardTo !== undefined && !(c.forwardTo in config.forwarding)) {
        ctx.addIssue({
          code: 'custom',
          path: ['categories', i, 'forwardTo'],
          message: `unknown forwarding channel "${c.forwardTo}" (expected one of ${Object.keys(config.forwarding).join(', ') || 'the keys of "forwarding"'})`,
        });
      }
    });
  });

export type Config = z.infer<typeof configSchema>;
export type AgencyConfig = Config['agencies'][number];
export type CategoryConfig = Config['categories'][number];
export type SlaConfig = Config['sla'];

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function reportDuplicates(codes: string[], path: (string | number)[], what: string, ctx: z.RefinementCtx): void {
  codes.forEach((c, i) => {
    if (codes.indexOf(c) !== i) {
      ctx.addIssue({ code: 'custom', path: [...path, i, 'code'], message: `duplicate ${what} code "${c}"` });
    }
  });
}
