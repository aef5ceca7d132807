import { useState } from 'preact/hooks';
import { api, type Meta, type TicketDetail } from '../api.js';
import { errorText } from '../errors.js';
import { label, localized, t } from '../i18n.js';

export function NewComplaint({ meta }: { meta: Meta }) {
  const [error, setError] = useState('');
  const submit = async (form: HTMLFormElement) => {
    const data = Object.fromEntries(new FormData(form)) as Record<string, string>;
    const text = (key: string) => (data[key]?.trim() ? data[key].trim() : undefined);
    const latitude = text('latitude');
    const longitude = text('longitude');
    const address = text('locationAddress');
    try {
      const ticket = await api<TicketDetail>('POST', '/api/tickets', {
        channel: data.channel,
        reporter: { name: text('name'), phone: text('phone'), address: text('address') },
        category: data.category,
        description: data.description,
        ...(latitude ?? longitude ?? address ? { location: { ...(latitude ? { latitude: Number(latitude) } : {}), ...(longitude ? { longitude: Number(longitude) } : {}), ...(address ? { address } : {}) } } : {}),
      });
      location.hash = `#/t/${ticket.number}`;
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <form class="card complaint" onSubmit={(e) => { e.preventDefault(); void submit(e.currentTarget); }}>
      <h1>{t('newComplaint')}</h1>
      <label>{t('channel')}<select name="channel">{['phone', 'walk_in'].map((c) => <option value={c}>{label(c)}</option>)}</select></label>
      <label>{t('name')}<input name="name" required maxLength={120} /></label>
      <label>{t('phone')}<input name="phone" inputMode="tel" /></label>
      <label>{t('address')}<input name="address" /></label>
      <label>{t('category')}<select name="category">{meta.categories.map((c) => <option value={c.code}>{localized(c.name)}</option>)}</select></label>
      <label>{t('description')}<textarea name="description" rows={4} required maxLength={4000} /></label>
      <label>{t('locationAddress')}<input name="locationAddress" /></label>
      <div class="row">
        <label>{t('latitude')}<input name="latitude" inputMode="decimal" /></label>
        <label>{t('longitude')}<input name="longitude" inputMode="decimal" /></label>
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      <button type="submit">{t('save')}</button>
    </form>
  );
}
