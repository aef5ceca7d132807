// A complaint an operator took by phone or at the counter: its number sent to
// the caller on a channel they used before (WhatsApp, Telegram, email), so
// they can check it with STATUS. It changes no state; outside WhatsApp's
// window it goes as the `operatorReply` template with the same words.
import type { Notice } from '../context.js';
import { asLateNotice } from '../notice-template.js';

/** The ticket number of a complaint taken by an operator (or sent by a city app over Open311), told to the reporter, with its public status page (`statusUrl`). */
export function phoneIntakeNumber(ticket: string, via: 'phone' | 'walk_in' | 'open311', statusUrl?: string): Notice {
  const notice: Notice = (state, view) => ({
    state,
    replies: [{ text: view.t(view.capabilities.oneShot ? 'phone_intake.number_by_mail' : 'phone_intake.number', { number: ticket, via: view.t(`phone_intake.via.${via}`), link: statusUrl ? view.t('status_link', { url: statusUrl }) : '' }) }],
  });
  // The template's own words frame it ("Pesan dari petugas tentang laporan {number}"); the city's language fills it.
  return asLateNotice(notice, 'operatorReply', [ticket, `Laporan Anda tercatat dengan nomor tiket ${ticket}. Ketik STATUS ${ticket} untuk mengecek perkembangannya.`]);
}
