// Presence (issue 15 item 1): while a ticket is open the view tells the server
// "viewing" every 10 s and "typing" while the operator types a reply (at most every
// 3 s; back to "viewing" 5 s after the last key), and shows who else is on the
// ticket from the answers and the event stream's `presence` events — never oneself.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Me } from '../api.js';
import { say } from '../i18n.js';
import { PRESENCE_TEXTS } from './presence-texts.js';
import './presence.css';

interface Other { username: string; name: string; state: 'viewing' | 'typing' }
type Mark = 'viewing' | 'typing' | 'left';

const RENEW_MS = 10_000;
const TYPING_EVERY_MS = 3_000;
const TYPING_IDLE_MS = 5_000;

export function usePresence(number: string, me: Me): { notice: preact.JSX.Element; typing: () => void } {
  const [others, setOthers] = useState<Other[]>([]);
  const state = useRef<{ mark: Mark; lastTyping: number; idle?: ReturnType<typeof setTimeout> }>({ mark: 'viewing', lastTyping: 0 });
  const tell = (mark: Mark) => {
    state.current.mark = mark;
    void api<{ others: Other[] }>('POST', `/api/tickets/${number}/presence`, { state: mark }).then((answer) => { if (mark !== 'left') setOthers(answer.others); }, () => undefined);
  };

  useEffect(() => {
    setOthers([]);
    tell('viewing');
    const renew = setInterval(() => { tell(state.current.mark === 'typing' ? 'typing' : 'viewing'); }, RENEW_MS);
    const source = new EventSource('/api/events');
    source.addEventListener('presence', (e: MessageEvent<string>) => {
      const event = JSON.parse(e.data) as { number: string; operator: string; name: string; state: Mark };
      if (event.number !== number || event.operator === me.operator.username) return;
      setOthers((list) => {
        const rest = list.filter((o) => o.username !== event.operator);
        return event.state === 'left' ? rest : [...rest, { username: event.operator, name: event.name, state: event.state }];
      });
    });
    const leave = () => { tell('left'); };
    addEventListener('pagehide', leave);
    return () => {
      clearInterval(renew);
      clearTimeout(state.current.idle);
      source.close();
      removeEventListener('pagehide', leave);
      leave();
    };
  }, [number]);

  const typing = () => {
    const now = Date.now();
    if (state.current.mark !== 'typing' || now - state.current.lastTyping > TYPING_EVERY_MS) {
      state.current.lastTyping = now;
      tell('typing');
    }
    clearTimeout(state.current.idle);
    state.current.idle = setTimeout(() => { tell('viewing'); }, TYPING_IDLE_MS);
  };

  const notice = (
    <ul class="presence" aria-live="polite">
      {others.map((o) => <li key={o.username} class={o.state}>{say(o.state === 'typing' ? PRESENCE_TEXTS.typing : PRESENCE_TEXTS.viewing, { name: o.name })}</li>)}
    </ul>
  );
  return { notice, typing };
}
