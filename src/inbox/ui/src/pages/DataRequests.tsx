import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { errorText } from '../errors.js';
import { label, say, when } from '../i18n.js';
import { DATA_REQUEST_TEXTS as T } from './data-requests-texts.js';
import './data-requests.css';

interface DataRequest { reference: string; kind: 'erase'; channel: string; account: string; createdAt: string }

/** Admin only (Settings page): citizens' open "hapus data saya" requests, oldest first, the account masked by the server. */
export function DataRequests() {
  const [requests, setRequests] = useState<DataRequest[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => { void api<{ requests: DataRequest[] }>('GET', '/api/admin/data-requests').then((r) => { setRequests(r.requests); }, (e: unknown) => { setError(errorText(e)); }); }, []);
  const head = <><h2>{say(T.title)}</h2><p class="muted">{say(T.intro)}</p></>;
  if (error) return <div class="card data-requests">{head}<p class="error" role="alert">{say(T.loadFailed)} {error}</p></div>;
  if (!requests) return null;
  return (
    <div class="card data-requests" data-testid="data-requests">
      {head}
      {requests.length === 0 ? <p class="muted">{say(T.none)}</p> : (
        <>
          <p>{say(T.count, { n: requests.length })}</p>
          <ul class="data-request-list">
            {requests.map((r) => (
              <li key={r.reference}>
                <b>{r.reference}</b> <span class="muted">{say(T[r.kind])}</span>
                <dl class="pairs">
                  <dt>{say(T.channel)}</dt><dd>{label(r.channel)}</dd>
                  <dt>{say(T.received)}</dt><dd>{when(r.createdAt)}</dd>
                  <dt>{say(T.account)}</dt><dd><code>{r.account}</code></dd>
                </dl>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
