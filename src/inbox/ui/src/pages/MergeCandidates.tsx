import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { label, say, when } from '../i18n.js';
import { FOLLOWER_TEXTS as T } from './followers-texts.js';

interface Candidate { number: string; status: string; description: string; createdAt: string; citizens: number; distance: number }

/**
 * Open tickets of the same category near this one's pin (the radius the conversation offers citizens): a press
 * puts the number into the merge form, nothing more. Nothing is shown for a ticket without a pin.
 */
export function MergeCandidates({ number, version, onPick }: { number: string; version: number; onPick: (number: string) => void }) {
  const [found, setFound] = useState<{ radius: number; candidates: Candidate[] } | null>(null);
  useEffect(() => {
    setFound(null);
    api<{ radius: number; candidates: Candidate[] }>('GET', `/api/tickets/${number}/merge-candidates`).then(setFound, () => undefined);
  }, [number, version]);
  if (!found || found.candidates.length === 0) return null;
  return (
    <div class="candidates">
      <p>{say(T.candidates, { radius: found.radius })}</p>
      <ul>
        {found.candidates.map((c) => (
          <li key={c.number}>
            <span class="candidate">
              <a href={`#/t/${c.number}`}>{c.number}</a> · {say(T.distance, { m: c.distance })} · {label(c.status)}{c.citizens > 1 ? ` · ${say(T.citizensShort, { n: c.citizens })}` : ''} · {when(c.createdAt)}
              <span class="muted">{c.description}</span>
            </span>
            <button type="button" class="secondary" onClick={() => { onPick(c.number); }}>{say(T.pick, { number: c.number })}</button>
          </li>
        ))}
      </ul>
    </div>
  );
}
