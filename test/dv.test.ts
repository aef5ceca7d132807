import { test, expect } from 'vitest';
import { Dovecot } from './support/dovecot.js';
test('dovecot', async () => {
  const u = { user: 'aduan', password: 'secret123' };
  const d = await new Dovecot([u]).start();
  try {
    await d.deliver(u, 'From: a@b.c\r\nTo: aduan@kota.go.id\r\nSubject: hi\r\nMessage-ID: <1@b.c>\r\n\r\nhello\r\n');
    const f = await d.flags(u);
    console.log([...f.entries()]);
    const c = await d.client(u);
    const mb = await c.mailboxOpen('INBOX');
    console.log(mb.uidValidity, mb.uidNext, c.capabilities);
    await c.logout();
    expect(f.size).toBe(1);
  } finally { await d.stop(); }
});
