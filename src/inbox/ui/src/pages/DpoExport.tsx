import { say } from '../i18n.js';
import { personPath } from './dpo-api.js';
import { DPO_TEXTS as T } from './dpo-texts.js';

/**
 * "Unduh arsip (ZIP)": a plain link the browser downloads (the session cookie authenticates it; the server names the
 * file and audits the export), so a large archive streams to disk instead of through the page's memory.
 */
export function DpoExport({ personKey }: { personKey: string }) {
  return (
    <section class="card dpo-action" aria-labelledby="dpo-export-title">
      <h2 id="dpo-export-title">{say(T.export)}</h2>
      <p class="muted" id="dpo-export-hint">{say(T.exportHint)}</p>
      <a class="button-link" href={`${personPath(personKey)}/export`} download aria-describedby="dpo-export-hint">{say(T.export)}</a>
    </section>
  );
}
