// The web chat page: shows the conversation (both sides, brought back after a
// reload), posts what the person types, picks or uploads, and long-polls the
// bot's replies. No framework, no external network.

// Every text of the page itself (the bot's come from the server), Indonesian first.
// `otherLanguage` labels the header button, in the language it switches to.
const TEXTS = {
  id: {
    title: 'Layanan Pengaduan Warga',
    heading: 'Layanan Pengaduan Warga',
    tagline: 'Laporkan jalan rusak, sampah, banjir, lampu jalan mati, dan lainnya.',
    otherLanguage: 'English',
    log: 'Percakapan',
    choices: 'Pilihan jawaban',
    inputLabel: 'Tulis pesan',
    placeholder: 'Tulis pesan…',
    send: 'Kirim',
    photo: 'Foto',
    photoLabel: 'Kirim foto',
    location: 'Lokasi',
    locationLabel: 'Kirim lokasi saya',
    shareLocation: '📍 Kirim lokasi saya',
    me: 'Anda:',
    bot: 'Layanan pengaduan:',
    myPhoto: 'Foto yang Anda kirim',
    botPhoto: 'Foto dari layanan pengaduan',
    file: '📎 Berkas',
    onlyPhotos: (name) => `Maaf, yang dapat dikirim hanya foto (JPG atau PNG). Berkas “${name}” tidak dikirim.`,
    sendFailed: 'Pesan gagal dikirim.',
    reconnecting: 'Koneksi terputus, mencoba lagi…',
    locating: 'Mengambil lokasi…',
    noGeolocation: 'Browser ini tidak dapat mengirim lokasi; ketik alamatnya saja.',
    locationFailed: 'Lokasi tidak dapat diambil; ketik alamatnya saja.',
  },
  en: {
    title: 'Citizen Complaint Service',
    heading: 'Citizen Complaint Service',
    tagline: 'Report damaged roads, rubbish, floods, broken street lights and more.',
    otherLanguage: 'Bahasa Indonesia',
    log: 'Conversation',
    choices: 'Answers to choose from',
    inputLabel: 'Write a message',
    placeholder: 'Message…',
    send: 'Send',
    photo: 'Photo',
    photoLabel: 'Send a photo',
    location: 'Location',
    locationLabel: 'Send my location',
    shareLocation: '📍 Send my location',
    me: 'You:',
    bot: 'Complaint service:',
    myPhoto: 'Photo you sent',
    botPhoto: 'Photo from the complaint service',
    file: '📎 File',
    onlyPhotos: (name) => `Sorry, only photos (JPG or PNG) can be sent. The file “${name}” was not sent.`,
    sendFailed: 'The message could not be sent.',
    reconnecting: 'Connection lost, trying again…',
    locating: 'Getting your location…',
    noGeolocation: 'This browser cannot send a location; please type the address.',
    locationFailed: 'Your location could not be found; please type the address.',
  },
};
// The commands the bot switches language on (conversation/commands.ts); the page follows them.
const LANGUAGE_COMMANDS = { english: 'en', inggris: 'en', indonesia: 'id', 'bahasa indonesia': 'id' };
// What the server takes as a photo (it checks the bytes again); anything else is refused here, politely.
const PHOTO_TYPE = /^image\/(jpeg|png|gif|webp|heic|heif)$/;
const PHOTO_NAME = /\.(jpe?g|png|gif|webp|heic|heif)$/i;
// PREFIX-YYMM-NNNNN (tickets/numbers.ts): kept on one line and in bold, so it is easy to read out or copy.
const TICKET_NUMBER = /\b[A-Z]{2,6}-\d{4}-\d{5,}\b/g;

const $ = (id) => document.getElementById(id);
const log = $('log');
const messages = $('messages');
const choices = $('choices');
const status = $('status');
const form = $('form');
const input = $('text');
const send = $('send');
const photo = $('photo');
const photoButton = $('photo-button');
const locationButton = $('location');
const languageButton = $('language');

const SESSION_KEY = 'aduan.webchat.session';
// The page asks for the menu itself on a first visit: that "menu" is not the person's words, and a
// reload does not show it (its messageId says so).
const GREETING = 'greeting-';
const LANGUAGE_KEY = 'aduan.webchat.language';
const newId = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`).replace(/[^A-Za-z0-9_-]/g, '');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
let sessionId = localStorage.getItem(SESSION_KEY);
if (!sessionId) {
  sessionId = newId();
  localStorage.setItem(SESSION_KEY, sessionId);
}
const session = encodeURIComponent(sessionId);
let after = 0;
let t = TEXTS.id;

function useLanguage(language) {
  t = TEXTS[language];
  localStorage.setItem(LANGUAGE_KEY, language);
  document.documentElement.lang = language;
  document.title = t.title;
  for (const element of document.querySelectorAll('[data-text]')) element.textContent = t[element.dataset.text];
  for (const element of document.querySelectorAll('[data-label]')) element.setAttribute('aria-label', t[element.dataset.label]);
  input.placeholder = t.placeholder;
  languageButton.lang = language === 'id' ? 'en' : 'id';
}

function notify(text, { error = false } = {}) {
  status.textContent = text;
  status.classList.toggle('is-error', error);
}

// --- the conversation

/** Where the log shows the newest message: at the end, or at its start if it is taller than the log. */
const newestTop = () => Math.min(log.scrollHeight - log.clientHeight, (messages.lastElementChild?.offsetTop ?? 0) - 8);
let following = true;
let revealedAt = 0;
function reveal() {
  log.scrollTop = newestTop();
  revealedAt = log.scrollTop;
}
// Scrolled up to read: left there. Otherwise the newest message stays in view while the log changes
// size (answer buttons come and go, a photo loads, the on-screen keyboard opens). The page's own
// scrolling says nothing about where the person wants to be.
log.addEventListener('scroll', () => {
  if (log.scrollTop !== revealedAt) following = Math.abs(log.scrollTop - newestTop()) < 24;
});
new ResizeObserver(() => { if (following) reveal(); }).observe(log);
new ResizeObserver(() => { if (following) reveal(); }).observe(messages);

function addMessage(from, { text, photo: src, location, file }, name) {
  const item = document.createElement('li');
  item.className = `msg msg--${from}`;
  const speaker = document.createElement('span');
  speaker.className = 'sr-only';
  speaker.textContent = `${t[from]} `;
  item.append(speaker);
  if (src) item.append(picture(src, from === 'me' ? t.myPhoto : t.botPhoto, name));
  appendText(item, text || (location ? `📍 ${location.latitude}, ${location.longitude}` : file ? t.file : ''));
  messages.append(item);
  following = true;
  reveal();
}

/** Web addresses in a message (the ticket's status page) open in a new tab; only http(s), never script: URLs. */
const LINK = /\bhttps?:\/\/[^\s<>"]+/g;

function appendText(parent, text) {
  let from = 0;
  for (const match of text.matchAll(LINK)) {
    appendNumbers(parent, text.slice(from, match.index));
    const link = document.createElement('a');
    link.href = match[0];
    link.textContent = match[0];
    link.target = '_blank';
    link.rel = 'noopener';
    parent.append(link);
    from = match.index + match[0].length;
  }
  appendNumbers(parent, text.slice(from));
}

function appendNumbers(parent, text) {
  let from = 0;
  for (const match of text.matchAll(TICKET_NUMBER)) {
    const number = document.createElement('strong');
    number.className = 'ticket-number';
    number.textContent = match[0];
    parent.append(text.slice(from, match.index), number);
    from = match.index + match[0].length;
  }
  parent.append(text.slice(from));
}

function picture(src, alt, name) {
  const img = document.createElement('img');
  img.alt = alt;
  // A photo this browser cannot show (HEIC, a damaged file): its name, not a broken image.
  img.addEventListener('error', () => { img.replaceWith(`📎 ${name ?? t.file}`); });
  img.src = src;
  return img;
}

/** The question's answers as buttons; numbered as the prompts say ("balas dengan angka"), except a yes/no pair. */
function showChoices(message) {
  // A keyboard user's focus goes away with the old buttons: it moves on to the new ones, or to the message field.
  const focused = document.activeElement;
  const keyboardFocus = choices.contains(focused) && focused.matches(':focus-visible');
  choices.replaceChildren();
  const list = message?.choices ?? [];
  const numbered = list.length > 1 && !list.every((c) => c.value === 'yes' || c.value === 'no');
  choices.classList.toggle('is-numbered', numbered);
  list.forEach((choice, i) => {
    choices.append(choiceButton(numbered ? `${i + 1}. ${choice.label}` : choice.label, () => sendText(choice.label)));
  });
  if (message?.request === 'location') choices.append(choiceButton(t.shareLocation, shareLocation, 'is-request'));
  if (keyboardFocus) (choices.querySelector('button') ?? input).focus();
}

function choiceButton(label, onClick, className = '') {
  const button = document.createElement('button');
  button.type = 'button';
  if (className) button.className = className;
  button.textContent = label;
  button.addEventListener('click', onClick);
  return button;
}

// --- sending

async function post(body, { multipart = false } = {}) {
  notify('');
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      const response = await fetch('/api/webchat/messages', multipart
        ? { method: 'POST', body }
        : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (response.ok) return true;
      const problem = await response.json().catch(() => ({}));
      notify(problem.message ?? t.sendFailed, { error: true });
      if (response.status < 500 && response.status !== 429) return false;
    } catch {
      notify(t.reconnecting, { error: true });
    }
    await sleep(1000 * 2 ** attempt);
  }
  return false;
}

function sendText(text) {
  if (!text.trim()) return;
  addMessage('me', { text });
  showChoices();
  const language = LANGUAGE_COMMANDS[text.trim().toLowerCase()];
  if (language) useLanguage(language);
  // The same messageId on every retry, so a repeated POST is not a second message.
  post({ sessionId, messageId: newId(), text });
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = input.value;
  input.value = '';
  sendText(text);
  input.focus();
});
// A tap on Kirim leaves the focus (and the phone's keyboard) in the message field.
send.addEventListener('mousedown', (event) => { event.preventDefault(); });

languageButton.addEventListener('click', () => { sendText(t === TEXTS.id ? 'ENGLISH' : 'INDONESIA'); });

photoButton.addEventListener('click', () => { photo.click(); });
photo.addEventListener('change', () => {
  const file = photo.files?.[0];
  photo.value = '';
  if (!file) return;
  if (!PHOTO_TYPE.test(file.type) && !(file.type === '' && PHOTO_NAME.test(file.name))) {
    notify(t.onlyPhotos(file.name), { error: true });
    return;
  }
  const messageId = newId();
  addMessage('me', { photo: URL.createObjectURL(file) }, file.name);
  const data = new FormData();
  data.append('sessionId', sessionId);
  data.append('messageId', messageId);
  data.append('photo', file, file.name);
  post(data, { multipart: true });
});

function shareLocation() {
  if (!navigator.geolocation) {
    notify(t.noGeolocation, { error: true });
    return;
  }
  notify(t.locating);
  navigator.geolocation.getCurrentPosition(
    ({ coords }) => {
      const location = { latitude: Number(coords.latitude.toFixed(6)), longitude: Number(coords.longitude.toFixed(6)) };
      addMessage('me', { location });
      post({ sessionId, messageId: newId(), location });
    },
    () => { notify(t.locationFailed, { error: true }); },
    { enableHighAccuracy: true, timeout: 15000 },
  );
}
locationButton.addEventListener('click', shareLocation);

// --- receiving

/** Both sides of the conversation so far, and the pending question's buttons; the number of messages. */
async function restore() {
  for (;;) {
    try {
      const response = await fetch(`/api/webchat/history?sessionId=${session}`);
      if (!response.ok) throw new Error(String(response.status));
      const history = await response.json();
      log.setAttribute('aria-busy', 'true'); // read as the conversation so far, not as news
      for (const message of history.messages) {
        if (message.from === 'me' && message.id.startsWith(GREETING)) continue;
        addMessage(message.from, message);
      }
      log.setAttribute('aria-busy', 'false');
      const last = history.messages.at(-1);
      if (last?.from === 'bot') showChoices(last);
      after = history.after;
      return history.messages.length;
    } catch {
      await sleep(3000);
    }
  }
}

async function poll() {
  for (;;) {
    try {
      const response = await fetch(`/api/webchat/messages?sessionId=${session}&after=${after}&wait=25`);
      if (!response.ok) throw new Error(String(response.status));
      const list = (await response.json()).messages;
      for (const message of list) {
        addMessage('bot', message);
        after = Math.max(after, message.id);
      }
      // The last one's answers (a summary, then its question): once, so a keyboard user's focus moves once.
      if (list.length > 0) showChoices(list.at(-1));
    } catch {
      await sleep(3000);
    }
  }
}

useLanguage(localStorage.getItem(LANGUAGE_KEY) === 'en' ? 'en' : 'id');
restore().then((count) => {
  // A new visitor (or a conversation the service no longer has) is greeted with the menu.
  if (count === 0) post({ sessionId, messageId: `${GREETING}${newId()}`, text: 'menu' });
  poll();
});
