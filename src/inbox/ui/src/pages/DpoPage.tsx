import type { Meta } from '../api.js';
import { say } from '../i18n.js';
import { DpoPerson } from './DpoPerson.js';
import { DpoRequests } from './DpoRequests.js';
import { DpoSearch } from './DpoSearch.js';
import { DPO_TEXTS as T } from './dpo-texts.js';
import './dpo.css';

/** `#/data-pribadi`: the DPO's requests and search; `#/data-pribadi/<key>`: one person (key URL-encoded). */
export function DpoPage({ personKey, meta }: { personKey: string | null; meta: Meta }) {
  if (personKey) return <DpoPerson personKey={personKey} meta={meta} />;
  return (
    <section class="dpo">
      <h1>{say(T.title)}</h1>
      <p class="muted dpo-intro">{say(T.intro)}</p>
      <div class="dpo-grid dpo-home">
        <DpoRequests />
        <DpoSearch />
      </div>
    </section>
  );
}

/** The person key of a `#/data-pribadi/<key>` hash, or null on the page itself; undefined elsewhere. */
export function dpoRoute(hash: string): string | null | undefined {
  if (hash === '#/data-pribadi' || hash === '#/data-pribadi/') return null;
  const key = /^#\/data-pribadi\/(.+)$/.exec(hash)?.[1];
  if (key === undefined) return undefined;
  try {
    return decodeURIComponent(key);
  } catch {
    return null; // a mangled link: the page itself rather than an error
  }
}
