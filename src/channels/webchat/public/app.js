// The web chat page: posts what the person types, picks or uploads, and
// long-polls the bot's replies. No framework, no external network.
const $ = (id) => document.getElementById(id);
const messages = $('messages');
const choices = $('choices');
const status = $('status');
const form = $('form');
const input = $('text');
const photo = $('photo');
const locationButton = $('location');

const SESSION_KEY = 'aduan.webchat.session';
const newId = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`).replace(/[^A-Za-z0-9_-]/g, '');
let sessionId = localStorage.getItem(SESSION_KEY);
const firstVisit = !sessionId;
if (!sessionId) {
  sessionId = newId();
  localStorage.setItem(SESSION_KEY, sessionId);
}
let after = 0;

function bubble(kind, text, image) {
  const li = document.createElement('li');
  li.className = `msg msg--${kind}`;
  if (image) {
    const img = document.createElement('img');
    img.src = image;
    img.alt = 'Foto yang dikirim';
    li.append(img);
  }
  if (text) li.append(document.createTextNode(text));
  messages.append(li);
  messages.scrollTop = messages.scrollHeight;
  return li;
}

function showChoices(list) {
  choices.replaceChildren();
  for (const choice of list ?? []) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = choice.label;
    button.addEventListener('click', () => sendText(choice.label));
    choices.append(button);
  }
}

async function post(body, options = {}) {
  status.textContent = '';
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      const response = await fetch('/api/webchat/messages', options.multipart
        ? { method: 'POST', body }
        : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (response.ok) return true;
      const problem = await response.json().catch(() => ({}));
      status.textContent = problem.message ?? 'Pesan gagal dikirim.';
      if (response.status < 500 && response.status !== 429) return false;
    } catch {
      status.textContent = 'Koneksi terputus, mencoba lagi…';
    }
    await new Promise((resolve) => setTimeout(resolve, 1000 * 2 ** attempt));
  }
  return false;
}

function sendText(text) {
  if (!text.trim()) return;
  bubble('me', text);
  showChoices([]);
  // The same messageId on every retry, so a repeated POST is not a second message.
  return post({ sessionId, messageId: newId(), text });
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = input.value;
  input.value = '';
  sendText(text);
});

photo.addEventListener('change', () => {
  const file = photo.files?.[0];
  photo.value = '';
  if (!file) return;
  bubble('me', '', URL.createObjectURL(file));
  const data = new FormData();
  data.append('sessionId', sessionId);
  data.append('messageId', newId());
  data.append('photo', file, file.name);
  post(data, { multipart: true });
});

locationButton.addEventListener('click', () => {
  if (!navigator.geolocation) {
    status.textContent = 'Browser tidak mendukung lokasi; ketik alamatnya saja.';
    return;
  }
  status.textContent = 'Mengambil lokasi…';
  navigator.geolocation.getCurrentPosition(
    ({ coords }) => {
      const latitude = Number(coords.latitude.toFixed(6));
      const longitude = Number(coords.longitude.toFixed(6));
      bubble('me', `📍 ${latitude}, ${longitude}`);
      post({ sessionId, messageId: newId(), location: { latitude, longitude } });
    },
    () => { status.textContent = 'Lokasi tidak dapat diambil; ketik alamatnya saja.'; },
    { enableHighAccuracy: true, timeout: 15000 },
  );
});

async function poll() {
  for (;;) {
    try {
      const response = await fetch(`/api/webchat/messages?sessionId=${encodeURIComponent(sessionId)}&after=${after}&wait=25`);
      if (!response.ok) throw new Error(String(response.status));
      const { messages: list } = await response.json();
      for (const message of list) {
        bubble('bot', message.text, message.photo);
        after = Math.max(after, message.id);
        locationButton.hidden = false;
        showChoices(message.choices);
      }
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
  }
}

if (firstVisit) post({ sessionId, messageId: newId(), text: 'menu' });
poll();
