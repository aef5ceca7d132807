// One piece of a citizen's contact as the operator may see it: plain, or masked
// (privacy.maskRoles) with a "Tampilkan" button that asks the server for the value.
// The server audits the reveal; the value lives in this component only, until the
// ticket is left.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { errorText } from '../errors.js';
import { say } from '../i18n.js';
import { PRIVACY_TEXTS as T } from './privacy-texts.js';
import './privacy.css';

export type PersonalField = 'phone' | 'email' | 'address' | 'channelUserId';

export function Personal({ number, field, value, masked, follower }: { number: string; field: PersonalField; value: string; masked: boolean; follower?: string }) {
  const [shown, setShown] = useState<string | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const link = useRef<HTMLAnchorElement>(null);
  const plain = useRef<HTMLSpanElement>(null);
  // Another ticket, another person: nothing revealed carries over.
  useEffect(() => { setShown(null); setError(''); }, [number, follower, field]);
  // The button is gone once the value is there: keep the keyboard where the value is.
  useEffect(() => { if (shown !== null) (link.current ?? plain.current)?.focus(); }, [shown]);

  if (!masked) return <span class="personal">{value}</span>;
  // A revealed phone is for calling back (the field work): a tap dials it, as an address writes to it.
  if (shown !== null && field === 'phone') return <a class="personal revealed" href={`tel:${shown}`} ref={link}>{shown}</a>;
  if (shown !== null && field === 'email') return <a class="personal revealed" href={`mailto:${shown}`} ref={link}>{shown}</a>;
  if (shown !== null) return <span class="personal revealed" tabIndex={-1} ref={plain}>{shown}</span>;
  const reveal = async () => {
    setBusy(true);
    setError('');
    try {
      const answer = await api<{ value: string }>('POST', `/api/tickets/${number}/reveal`, { field, ...(follower ? { follower } : {}) });
      setShown(answer.value);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const what = say(T[field]);
  return (
    <span class="personal masked">
      <span>{value}</span><span class="sr-only"> ({what} {say(T.masked)})</span>
      <button type="button" class="reveal" disabled={busy} aria-label={say(T.revealField, { field: what })} title={say(T.revealField, { field: what })} onClick={() => { void reveal(); }}>{say(T.reveal)}</button>
      {error && <span class="error" role="alert">{error}</span>}
    </span>
  );
}
