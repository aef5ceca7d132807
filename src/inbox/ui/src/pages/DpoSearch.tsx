import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { useBusy } from '../busy.js';
import { errorText } from '../errors.js';
import { label, say, when } from '../i18n.js';
import { personHash, type PrivacyPerson } from './dpo-api.js';
import { DPO_TEXTS as T } from './dpo-texts.js';

/** The last search, kept in memory only (never in the URL or the browser's storage), so "back" finds it again. */
let last: { q: string; people: PrivacyPerson[] } | null = null;

/** After a correction or an erasure the last results are stale: the DPO searches again rather than read them. */
export const forgetSearch = (): void => { last = null; };

/** The name, phone, email and accounts of one person found, and how much is stored: a card that opens the person. */
export function PersonSummary({ person }: { person: PrivacyPerson }) {
  return (
    <dl class="pairs">
      {person.phone && <><dt>{say(T.phone)}</dt><dd>{person.phone}</dd></>}
      {person.email && <><dt>{say(T.email)}</dt><dd>{person.email}</dd></>}
      {person.address && <><dt>{say(T.address)}</dt><dd>{person.address}</dd></>}
      {person.identities.length > 0 && <><dt>{say(T.identities)}</dt><dd><ul class="dpo-identities">{person.identities.map((i) => <li key={`${i.channel}:${i.channelUserId}`}>{label(i.channel)}: <code>{i.channelUserId}</code></li>)}</ul></dd></>}
      <dt>{say(T.tickets)}</dt><dd>{say(T.ticketCount, { n: person.tickets })}</dd>
      {person.lastSeenAt && <><dt>{say(T.lastSeen)}</dt><dd>{when(person.lastSeenAt)}</dd></>}
    </dl>
  );
}

/** "Nomor HP, email, atau ID akun": the server reads any usual spelling of a number; at most 20 people. */
export function DpoSearch() {
  const [q, setQ] = useState(last?.q ?? '');
  const [result, setResult] = useState(last);
  const { busy, once } = useBusy();
  const [error, setError] = useState<string | null>(null);
  const search = async () => {
    const query = q.trim();
    if (!query) return;
    setError(null);
    await once(async () => {
      try {
        const { people } = await api<{ people: PrivacyPerson[] }>('GET', `/api/privacy/people?q=${encodeURIComponent(query)}`);
        last = { q: query, people };
        setResult(last);
      } catch (e) {
        setError(errorText(e));
      }
    });
  };
  return (
    <section class="card dpo-search" aria-labelledby="dpo-search-title">
      <h2 id="dpo-search-title">{say(T.search)}</h2>
      <form role="search" class="dpo-search-form" onSubmit={(e) => { e.preventDefault(); void search(); }}>
        <label for="dpo-q">{say(T.searchLabel)}</label>
        <div class="row">
          <input id="dpo-q" name="q" type="search" value={q} required maxLength={200} autocomplete="off" aria-describedby="dpo-q-hint" onInput={(e) => { setQ(e.currentTarget.value); }} />
          <button type="submit" disabled={busy}>{say(T.searchButton)}</button>
        </div>
        <p id="dpo-q-hint" class="muted">{say(T.searchHint)}</p>
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      {result && (
        <div role="status" class="dpo-results" data-q={result.q}>
          {result.people.length === 0 ? <p>{say(T.foundNone, { q: result.q })}</p> : (
            <>
              <p>{say(T.found, { n: result.people.length })}</p>
              <ul class="dpo-people">
                {result.people.map((p) => (
                  <li key={p.key} class="dpo-person-card">
                    <a href={personHash(p.key)}><b>{p.name ?? say(T.noName)}</b></a>
                    <PersonSummary person={p} />
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </section>
  );
}
