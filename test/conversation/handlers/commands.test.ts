// The command handler, without a database: whole-message commands win over
// answers; anything else passes on.
import { describe, expect, it } from 'vitest';
import { commands } from '../../../src/conversation/handlers/commands.js';
import { inbound, runHandler, textsOf } from '../../support/turn.js';

const inFlow = { flow: 'complaint', step: 'description', data: { name: 'Rina', category: 'sampah' }, pendingConfirmation: 'ADU-2612-00007' };

describe('commands handler', () => {
  it('passes on a message that is no command, also one that only contains a command word', async () => {
    for (const text of ['Jalan berlubang di depan pasar', 'saya mau batal saja laporannya', 'menunya apa']) {
      const { passed, ctx } = await runHandler(commands, inbound({ text }), { state: inFlow });
      expect(passed).toBe(true);
      expect(ctx.replies).toEqual([]);
    }
  });

  it('BATAL ends the report, keeps a pending confirmation, and says so', async () => {
    const { passed, ctx } = await runHandler(commands, inbound({ text: 'Batal' }), { state: inFlow });
    expect(passed).toBe(false);
    expect(ctx.state.flow).toBeUndefined();
    expect(ctx.state.data).toEqual({});
    expect(ctx.state.pendingConfirmation).toBe('ADU-2612-00007');
    expect(textsOf(ctx).join('\n')).toMatch(/dibatalkan/i);
  });

  it('MENU starts a new report in a new session, bound to no ticket', async () => {
    const { ctx } = await runHandler(commands, inbound({ text: '/start' }), { conversation: { session: 4, ticketNumber: 'ADU-2612-00003' } });
    expect(ctx.session).toBe(5);
    expect(ctx.ticketNumber).toBeUndefined();
    expect(ctx.state).toMatchObject({ flow: 'complaint', step: 'menu' });
    expect(textsOf(ctx).join('\n')).toContain('Silakan pilih layanan');
  });

  it('BANTUAN answers and asks the current question again; ENGLISH switches the language and asks it in English', async () => {
    const help = await runHandler(commands, inbound({ text: 'bantuan' }), { state: inFlow });
    expect(textsOf(help.ctx)[0]).toContain('Petunjuk');
    expect(help.ctx.replies.at(-1)?.text).toMatch(/jelaskan|uraikan|ceritakan/i);
    const english = await runHandler(commands, inbound({ text: 'English' }), { state: inFlow });
    expect(english.ctx.state.locale).toBe('en');
    expect(english.ctx.state.step).toBe('description');
    expect(english.ctx.replies.at(-1)?.text).toMatch(/describe/i);
  });

  it('an unknown /command is answered, not taken as the answer to the question', async () => {
    const { ctx, passed } = await runHandler(commands, inbound({ text: '/hapus' }), { state: inFlow });
    expect(passed).toBe(false);
    expect(ctx.state).toMatchObject(inFlow);
    expect(textsOf(ctx)[0]).toMatch(/tidak dikenal|tidak dikenali|perintah/i);
  });

  it('STATUS without a number goes to the flow\'s status question', async () => {
    const { ctx } = await runHandler(commands, inbound({ text: 'status' }));
    expect(ctx.state).toMatchObject({ flow: 'complaint', step: 'status_number' });
  });
});
