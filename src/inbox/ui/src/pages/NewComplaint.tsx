// A complaint taken by phone or at the counter. The caller's number first: who
// they are and what they reported before come up beside it (filled into the
// form only when the operator clicks), with the channels on which they can be
// sent the new ticket's number. A pin on the map, a typed address, photos;
// once saved, the number in large type and a printable receipt.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Meta, type TicketDetail } from '../api.js';
import { errorText } from '../errors.js';
import { label, lang, localized, say, t, when } from '../i18n.js';
import { useActionKeys } from '../keys.js';
import { CHANNEL_NAMES, INTAKE_TEXTS as T } from './intake-texts.js';
import { PinPicker, type Pin } from './PinPicker.js';
import './intake.css';

interface Caller {
  phone: string;
  identity: { name: string | null; address: string | null; email: string | null } | null;
  tickets: { number: string; status: string; category: string; channel: string; createdAt: string }[];
  channels: string[];
}

interface Saved { ticket: TicketDetail & { notified: string | null }; name: string; phone: string; category: string; channel: string }

const tx = (key: keyof typeof T, vars: Record<string, string | number> = {}) => say(T[key], vars);

/** Enough digits to be a number worth looking up (0812 3456 78…). */
const digitsOf = (phone: string) => phone.replace(/\D/g, '');

/** +6281277778888 → +62 812 **** 8888: enough for the caller to recognise, not to copy. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 8) return '****';
  return `${phone.startsWith('+') ? '+' : ''}${digits.slice(0, 5)}${'*'.repeat(Math.max(digits.length - 9, 3))}${digits.slice(-4)}`;
}

export function NewComplaint({ meta }: { meta: Meta }) {
  const [channel, setChannel] = useState<'phone' | 'walk_in'>('phone');
  const [phone, setPhone] = useState('');
  const [name, setName] = useState('');
  const [address, setAddress] = useState('');
  const [email, setEmail] = useState('');
  const [caller, setCaller] = useState<Caller | null>(null);
  const [looking, setLooking] = useState(false);
  const [used, setUsed] = useState(false);
  const [notify, setNotify] = useState(false);
  const [notifyVia, setNotifyVia] = useState('');
  const [pin, setPin] = useState<Pin | null>(null);
  const [photoCount, setPhotoCount] = useState(0);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<Saved | null>(null);
  const [receipt, setReceipt] = useState(false);
  const keys = useActionKeys();
  const asked = useRef('');

  // The lookup runs once the number is long enough, a moment after the last keystroke.
  useEffect(() => {
    const digits = digitsOf(phone);
    if (digits.length < 9) { setCaller(null); return; }
    const timer = setTimeout(() => { void lookup(); }, 400);
    return () => { clearTimeout(timer); };
  }, [phone]);

  const lookup = async () => {
    const asking = phone.trim();
    if (digitsOf(asking).length < 9) return;
    asked.current = asking;
    setLooking(true);
    try {
      const found = await api<Caller>('GET', `/api/intake/caller?phone=${encodeURIComponent(asking)}`);
      if (asked.current !== asking) return;
      setCaller(found);
      setUsed(false);
      setNotify(found.channels.length > 0);
      setNotifyVia(found.channels[0] ?? '');
      setError('');
    } catch (e) {
      if (asked.current === asking) { setCaller(null); setError(errorText(e)); }
    } finally {
      if (asked.current === asking) setLooking(false);
    }
  };

  const useIdentity = () => {
    const identity = caller?.identity;
    if (!identity) return;
    if (identity.name) setName(identity.name);
    // A masked value (privacy.maskRoles) is no address to store on the new ticket: the caller says it again.
    if (identity.address && !identity.address.includes('•')) setAddress(identity.address);
    if (identity.email && !identity.email.includes('•')) setEmail(identity.email);
    setUsed(true);
  };

  const submit = async (form: HTMLFormElement) => {
    const data = new FormData(form);
    const text = (key: string) => { const value = data.get(key); return typeof value === 'string' && value.trim() ? value.trim() : undefined; };
    const latitude = text('latitude');
    const longitude = text('longitude');
    const locationAddress = text('locationAddress');
    const category = text('category') ?? '';
    const complaint = {
      channel,
      reporter: { name: name.trim(), ...(phone.trim() ? { phone: phone.trim() } : {}), ...(address.trim() ? { address: address.trim() } : {}), ...(email.trim() ? { email: email.trim() } : {}) },
      category,
      description: text('description') ?? '',
      ...(latitude ?? longitude ?? locationAddress ? { location: { ...(latitude ? { latitude: Number(latitude) } : {}), ...(longitude ? { longitude: Number(longitude) } : {}), ...(locationAddress ? { address: locationAddress } : {}) } } : {}),
      ...(notify && notifyVia && caller?.channels.includes(notifyVia) ? { notify: notifyVia } : {}),
    };
    const body = new FormData();
    body.set('complaint', JSON.stringify(complaint));
    for (const file of data.getAll('photo')) if (file instanceof File && file.size > 0) body.append('photo', file);
    setBusy(true);
    try {
      const ticket = await keys.run('intake', (key) => api<Saved['ticket']>('POST', '/api/intake', body, { idempotencyKey: key }));
      setSaved({ ticket, name: complaint.reporter.name, phone: phone.trim(), category, channel });
      setError('');
      window.scrollTo(0, 0);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const categoryName = (code: string) => { const c = meta.categories.find((x) => x.code === code); return c ? localized(c.name) : code; };

  if (saved && receipt) return <Receipt saved={saved} meta={meta} categoryName={categoryName} onBack={() => { setReceipt(false); }} />;
  if (saved) {
    return (
      <section class="card complaint intake-done" aria-live="polite">
        <h1>{t('newComplaint')}</h1>
        <p>{tx('created')}</p>
        <p class="big-number" data-testid="ticket-number">{saved.ticket.number}</p>
        <p>{tx('tellNumber')}</p>
        {saved.ticket.notified && <p class="ok">{tx('notified', { channel: CHANNEL_NAMES[saved.ticket.notified] ?? saved.ticket.notified })}</p>}
        <div class="buttons">
          <button type="button" onClick={() => { setReceipt(true); }}>{tx('receipt')}</button>
          <a class="button secondary" href={`#/t/${saved.ticket.number}`}>{tx('openTicket')}</a>
          <button type="button" class="secondary" onClick={() => { location.reload(); }}>{tx('another')}</button>
        </div>
      </section>
    );
  }

  return (
    <form class="card complaint intake" onSubmit={(e) => { e.preventDefault(); void submit(e.currentTarget); }}>
      <h1>{t('newComplaint')}</h1>
      <div class="intake-grid">
        <div>
          <label>{t('channel')}<select name="channel" value={channel} onChange={(e) => { setChannel(e.currentTarget.value === 'walk_in' ? 'walk_in' : 'phone'); }}>{['phone', 'walk_in'].map((c) => <option value={c}>{label(c)}</option>)}</select></label>
          <label for="intake-phone">{t('phone')}</label>
          <div class="phone-line">
            <input id="intake-phone" name="phone" inputMode="tel" autoComplete="off" value={phone} aria-describedby="phone-hint" onInput={(e) => { setPhone(e.currentTarget.value); }} />
            <button type="button" class="secondary" onClick={() => { void lookup(); }} disabled={digitsOf(phone).length < 9}>{tx('lookup')}</button>
          </div>
          <p id="phone-hint" class="muted hint">{tx('phoneHint')}</p>
          {looking && <p class="muted">{tx('looking')}</p>}
          {caller && !looking && <CallerBox caller={caller} used={used} onUse={useIdentity} categoryName={categoryName} />}
          <label>{t('name')}<input name="name" required maxLength={120} value={name} onInput={(e) => { setName(e.currentTarget.value); }} /></label>
          <label>{t('address')}<input name="address" maxLength={500} value={address} onInput={(e) => { setAddress(e.currentTarget.value); }} /></label>
          <label>{tx('email')}<input name="email" type="email" maxLength={200} value={email} onInput={(e) => { setEmail(e.currentTarget.value); }} /></label>
          <label>{t('category')}<select name="category">{meta.categories.map((c) => <option value={c.code}>{localized(c.name)}</option>)}</select></label>
          <label>{t('description')}<textarea name="description" rows={4} required maxLength={4000} /></label>
          <label>{tx('photos')}<input type="file" name="photo" accept="image/*" multiple onChange={(e) => { setPhotoCount(e.currentTarget.files?.length ?? 0); }} /></label>
          {photoCount > 0 && <p class="muted">{tx('photosChosen', { n: photoCount })}</p>}
        </div>
        <fieldset class="pin-box">
          <legend>{tx('pinTitle')}</legend>
          <label>{t('locationAddress')}<input name="locationAddress" maxLength={500} /></label>
          <p class="muted hint">{tx('pinHint')}</p>
          <PinPicker pin={pin} onPin={setPin} label={tx('pinTitle')} />
          <div class="row">
            <label>{t('latitude')}<input name="latitude" inputMode="decimal" value={pin ? String(pin.latitude) : ''} onChange={(e) => { const v = Number(e.currentTarget.value); if (e.currentTarget.value.trim() && Number.isFinite(v)) setPin({ latitude: v, longitude: pin?.longitude ?? 0 }); }} /></label>
            <label>{t('longitude')}<input name="longitude" inputMode="decimal" value={pin ? String(pin.longitude) : ''} onChange={(e) => { const v = Number(e.currentTarget.value); if (e.currentTarget.value.trim() && Number.isFinite(v)) setPin({ latitude: pin?.latitude ?? 0, longitude: v }); }} /></label>
          </div>
          {pin && <button type="button" class="link" onClick={() => { setPin(null); }}>{tx('pinClear')}</button>}
        </fieldset>
      </div>
      {caller && caller.channels.length > 0 && (
        <div class="notify-line">
          <label class="check"><input type="checkbox" name="notify" checked={notify} onChange={(e) => { setNotify(e.currentTarget.checked); }} />{tx('notify', { channel: CHANNEL_NAMES[notifyVia] ?? notifyVia })}</label>
          {caller.channels.length > 1 && <label class="check">{tx('notifyVia')}<select value={notifyVia} onChange={(e) => { setNotifyVia(e.currentTarget.value); }}>{caller.channels.map((c) => <option value={c}>{CHANNEL_NAMES[c] ?? c}</option>)}</select></label>}
        </div>
      )}
      {error && <p class="error" role="alert">{error}</p>}
      <button type="submit" disabled={busy}>{busy ? tx('saving') : tx('submit')}</button>
    </form>
  );
}

function CallerBox({ caller, used, onUse, categoryName }: { caller: Caller; used: boolean; onUse: () => void; categoryName: (code: string) => string }) {
  if (!caller.identity) return <p class="muted caller-box">{tx('unknownCaller')}</p>;
  const { name, address, email } = caller.identity;
  return (
    <section class="caller-box" aria-label={tx('knownCaller')}>
      <h2>{tx('knownCaller')}</h2>
      <p><strong>{name ?? tx('none')}</strong><br />{address ?? tx('none')}{email && <><br />{email}</>}</p>
      {used ? <p class="ok">{tx('identityUsed')}</p> : <button type="button" onClick={onUse}>{tx('useIdentity')}</button>}
      {caller.tickets.length > 0 && (
        <>
          <h3>{tx('earlier')}</h3>
          <ul class="earlier">
            {caller.tickets.slice(0, 5).map((ticket) => (
              <li><a href={`#/t/${ticket.number}`} target="_blank" rel="noopener">{ticket.number}</a> <span class={`status s-${ticket.status}`}>{label(ticket.status)}</span> {categoryName(ticket.category)} <span class="muted">{when(ticket.createdAt)}</span></li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function Receipt({ saved, meta, categoryName, onBack }: { saved: Saved; meta: Meta; categoryName: (code: string) => string; onBack: () => void }) {
  const { ticket } = saved;
  const date = new Date(ticket.createdAt).toLocaleString(lang === 'id' ? 'id-ID' : 'en-GB', { dateStyle: 'long', timeStyle: 'short' });
  return (
    <section class="receipt-page">
      <div class="no-print buttons">
        <button type="button" onClick={() => { window.print(); }}>{tx('print')}</button>
        <button type="button" class="secondary" onClick={onBack}>{tx('back')}</button>
      </div>
      <article class="receipt" aria-label={tx('receiptTitle')}>
        <p class="receipt-city">{meta.city}</p>
        <h1>{tx('receiptTitle')}</h1>
        <dl>
          <dt>{tx('receiptNumber')}</dt><dd class="receipt-number">{ticket.number}</dd>
          <dt>{tx('receiptDate')}</dt><dd>{date}</dd>
          <dt>{tx('receiptCategory')}</dt><dd>{categoryName(saved.category)}</dd>
          <dt>{tx('receiptName')}</dt><dd>{saved.name}</dd>
          {saved.phone && <><dt>{tx('receiptPhone')}</dt><dd>{maskPhone(ticket.reporter.phone ?? saved.phone)}</dd></>}
          <dt>{tx('receiptVia')}</dt><dd>{label(saved.channel)}</dd>
        </dl>
        <p class="receipt-how">{tx('receiptHow', { number: ticket.number, city: meta.city })}</p>
      </article>
    </section>
  );
}
