import { useEffect, useState } from 'preact/hooks';
import { api, type Localized, type TicketDetail } from '../api.js';
import { errorText } from '../errors.js';
import { label, localized, say } from '../i18n.js';
import { useActionKeys } from '../keys.js';
import { Confirm, type Confirmation } from './Confirm.js';
import { MACRO_TEXTS as T } from './macro-texts.js';
import './macros.css';

export interface InboxLabel { code: string; name: Localized; colour: string }
export interface Macro { id: string; title: Localized; reply?: Localized; action?: string; labels: string[] }
export interface MacroConfig { labels: InboxLabel[]; macros: Macro[]; canLabel: boolean }

let loaded: Promise<MacroConfig> | undefined;
/** The configured labels and the macros this operator's role may run, read once per page load. */
export const macroConfig = (): Promise<MacroConfig> => (loaded ??= api<MacroConfig>('GET', '/api/macros').catch((e: unknown) => { loaded = undefined; throw e; }));

export function LabelChips({ codes, labels, onRemove, busy }: { codes: readonly string[]; labels: readonly InboxLabel[]; onRemove?: (code: string) => void; busy?: boolean }) {
  if (codes.length === 0) return null;
  return (
    <ul class="chips">
      {codes.map((code) => {
        const l = labels.find((x) => x.code === code);
        const name = l ? localized(l.name) : code;
        return (
          <li class="chip" style={{ background: l?.colour ?? '#4b5563' }} key={code}>
            {name}
            {onRemove && <button type="button" disabled={busy} aria-label={say(T.removeLabel, { label: name })} title={say(T.removeLabel, { label: name })} onClick={() => { onRemove(code); }}>×</button>}
          </li>
        );
      })}
    </ul>
  );
}

/** Actions that cannot simply be taken back: the macro asks first. */
const CONFIRM = new Set(['forward', 'reject', 'validate', 'returnToAgency', 'reopen']);

const fill = (text: Localized, ticket: TicketDetail) => localized(text).replaceAll('{number}', ticket.number).replaceAll('{name}', ticket.reporter.name ?? 'Bapak/Ibu');

/** Labels on the ticket (chips, add, remove) and the macros that fit its status: what a macro will do is shown before it runs. */
export function MacroPanel({ ticket, onChange }: { ticket: TicketDetail; onChange: (ticket: TicketDetail) => void }) {
  const [config, setConfig] = useState<MacroConfig | null>(null);
  const [chosen, setChosen] = useState('');
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const [ask, setAsk] = useState<Confirmation | null>(null);
  const keys = useActionKeys();
  useEffect(() => { macroConfig().then(setConfig, (e: unknown) => { setError(errorText(e)); }); }, []);
  useEffect(() => { setChosen(''); setNotice(''); setError(''); }, [ticket.number]);
  if (!config) return error ? <section class="card macro-panel"><p class="error" role="alert">{error}</p></section> : null;

  const run = async (name: string, send: (key: string) => Promise<void>, refusal = false) => {
    setBusy(true);
    setError('');
    setNotice('');
    try {
      await keys.run(name, send);
    } catch (e) {
      setError(refusal ? say(T.refusedNothingSent, { reason: errorText(e) }) : errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const changeLabels = (method: 'POST' | 'DELETE', code: string) =>
    run(`label-${method}-${code}`, async (key) => {
      const path = method === 'POST' ? `/api/tickets/${ticket.number}/labels` : `/api/tickets/${ticket.number}/labels/${code}`;
      const { labels } = await api<{ labels: string[] }>(method, path, method === 'POST' ? { labels: [code] } : undefined, { idempotencyKey: key });
      onChange({ ...ticket, labels });
    });

  // A macro is offered when its action fits the ticket's status now, and its reply can reach the reporter.
  const macros = config.macros.filter((m) => (m.action === undefined || ticket.actions.includes(m.action)) && (m.reply === undefined || ticket.canReply));
  const macro = macros.find((m) => m.id === chosen);
  const nameOf = (code: string) => { const l = config.labels.find((x) => x.code === code); return l ? localized(l.name) : code; };
  const apply = (m: Macro) =>
    run(`macro-${m.id}`, async (key) => {
      const answer = await api<{ done: string[]; ticket: TicketDetail }>('POST', `/api/tickets/${ticket.number}/macros/${m.id}`, { expectedVersion: ticket.version }, { idempotencyKey: key });
      onChange(answer.ticket);
      setChosen('');
      setNotice(say(T.done, { macro: localized(m.title) }));
    }, true);
  const start = (m: Macro) => {
    if (m.action && CONFIRM.has(m.action)) setAsk({ text: say(T.confirm, { macro: localized(m.title), number: ticket.number, action: label(m.action) }), confirm: localized(m.title), danger: m.action === 'reject', run: () => { void apply(m); } });
    else void apply(m);
  };
  const addable = config.labels.filter((l) => !ticket.labels.includes(l.code));

  return (
    <section class="card macro-panel">
      <h2>{say(T.title)}</h2>
      {ticket.labels.length === 0 ? <p class="muted">{say(T.noLabels)}</p> : <LabelChips codes={ticket.labels} labels={config.labels} busy={busy} {...(config.canLabel ? { onRemove: (code: string) => { void changeLabels('DELETE', code); } } : {})} />}
      {config.canLabel && addable.length > 0 && (
        <div class="row">
          <select aria-label={say(T.addLabel)} disabled={busy} onChange={(e) => { const code = e.currentTarget.value; e.currentTarget.value = ''; if (code) void changeLabels('POST', code); }}>
            <option value="">{say(T.addLabel)}</option>
            {addable.map((l) => <option value={l.code}>{localized(l.name)}</option>)}
          </select>
        </div>
      )}
      {config.macros.length > 0 && (macros.length === 0 ? <p class="muted">{say(T.none)}</p> : (
        <form onSubmit={(e) => { e.preventDefault(); if (macro) start(macro); }}>
          <div class="row">
            <label class="macro-choice">{say(T.macro)}{' '}
              <select disabled={busy} onChange={(e) => { setChosen(e.currentTarget.value); setNotice(''); setError(''); }}>
                <option value="" key="" selected={macro === undefined}>{say(T.chooseMacro)}</option>
                {macros.map((m) => <option value={m.id} key={m.id} selected={m.id === macro?.id}>{localized(m.title)}</option>)}
              </select>
            </label>
          </div>
          {macro && (
            <div class="preview" aria-live="polite">
              {macro.reply && <p><strong>{say(T.willReply)}</strong> {fill(macro.reply, ticket)}</p>}
              {macro.action && <p><strong>{say(T.willAct, { action: label(macro.action) })}</strong></p>}
              {macro.labels.length > 0 && <p>{say(T.willLabel, { labels: macro.labels.map(nameOf).join(', ') })}</p>}
            </div>
          )}
          <button type="submit" disabled={busy || !macro}>{say(T.run)}</button>
        </form>
      ))}
      {notice && <p class="notice" role="status">{notice}</p>}
      {error && <p class="error" role="alert">{error}</p>}
      <Confirm ask={ask} onClose={() => { setAsk(null); }} />
    </section>
  );
}
