import { useEffect, useState } from 'preact/hooks';
import { api, type Localized } from '../api.js';
import { localized, t } from '../i18n.js';
import { duration } from './duration.js';
import { DataRequests } from './DataRequests.js';
import { Retention } from './Retention.js';

interface RunningConfig {
  city: { name: string; timezone: string; locale: string };
  ticketNumber: { prefix: string };
  agencies: { code: string; name: string; contacts: { email: string; phone?: string }; supervisors: { name: string; email?: string }[] }[];
  categories: { code: string; name: Localized; agency?: string; forwardTo?: string }[];
  forwarding: Record<string, { name: string; url?: string }>;
  sla: Record<string, number>;
  schedules: Record<string, string>;
  limits: Record<string, number>;
  conversation: Record<string, number>;
  outbox: Record<string, number>;
  inbox: Record<string, unknown>;
}

// Durations and sizes travel as milliseconds and bytes; people read hours and megabytes.
const DURATIONS = new Set(['firstResponse', 'followUp', 'confirmationReminder', 'closeAfterReminder', 'inactivityTimeout', 'oneShotTimeout', 'retryBase', 'retryMax', 'sessionTtl', 'sessionIdle', 'lockout', 'replyWindow']);
const SIZES = new Set(['photoMaxBytes']);

function show(key: string, value: unknown): string {
  if (typeof value === 'number' && DURATIONS.has(key)) return duration(value);
  if (typeof value === 'number' && SIZES.has(key)) return `${String(Math.round(value / 1_048_576))} MB`;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function Pairs({ title, values }: { title: string; values: Record<string, unknown> }) {
  return (
    <div class="card">
      <h2>{title}</h2>
      <dl class="pairs">{Object.entries(values).map(([key, value]) => [<dt>{key}</dt>, <dd>{show(key, value)}</dd>])}</dl>
    </div>
  );
}

/** Admin only: the running configuration (no secrets), to check what the service actually uses. */
export function Settings() {
  const [config, setConfig] = useState<RunningConfig | null>(null);
  useEffect(() => { void api<RunningConfig>('GET', '/api/config').then(setConfig); }, []);
  if (!config) return null;
  return (
    <section class="settings">
      <h1>{t('settings')} <small>{t('settingsReadOnly')}</small></h1>
      <div class="card">
        <h2>{t('agencies')}</h2>
        <table class="tickets">
          <tbody>{config.agencies.map((a) => <tr key={a.code}><td><b>{a.code}</b></td><td>{a.name}</td><td>{a.contacts.email}</td><td>{a.supervisors.map((s) => s.name).join(', ')}</td></tr>)}</tbody>
        </table>
      </div>
      <div class="card">
        <h2>{t('categories')}</h2>
        <table class="tickets">
          <tbody>{config.categories.map((c) => <tr key={c.code}><td><code>{c.code}</code></td><td>{localized(c.name)}</td><td>{c.agency ?? (c.forwardTo ? `→ ${config.forwarding[c.forwardTo]?.name ?? c.forwardTo}` : '—')}</td></tr>)}</tbody>
        </table>
      </div>
      <div class="columns">
        <Pairs title={t('sla')} values={config.sla} />
        <Pairs title={t('schedules')} values={config.schedules} />
        <Pairs title={t('conversationSettings')} values={{ ...config.conversation, ...config.limits }} />
        <Pairs title={t('inboxSettings')} values={{ city: config.city.name, timezone: config.city.timezone, ticketPrefix: config.ticketNumber.prefix, ...config.outbox, ...config.inbox }} />
      </div>
      <Retention />
      <DataRequests />
    </section>
  );
}
