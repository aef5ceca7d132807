// The bus while the database is away: publishing still reaches this process's
// listeners, the poller keeps trying without flooding the log (one line per
// outage, one when it reads again), and no event published meanwhile is
// delivered twice once it is back.
import { describe, expect, it } from 'vitest';
import type { SignalPayload } from '../../src/bus/bus.js';
import { type EventLog, type NewEvent, SharedBus, type StoredEvent } from '../../src/bus/shared-bus.js';
import type { Logger } from '../../src/observability/logger.js';
import { until } from '../support/until.js';

/** An events collection in memory that can be switched off, standing for a database that stops answering. */
class SwitchableLog implements EventLog {
  down = false;
  private readonly stored: StoredEvent[] = [];
  private check(): void {
    if (this.down) throw new Error('connection refused');
  }
  latest(): Promise<number> {
    this.check();
    return Promise.resolve(this.stored.length);
  }
  append(origin: string, events: readonly NewEvent[]): Promise<void> {
    this.check();
    for (const event of events) this.stored.push({ ...event, origin, seq: this.stored.length + 1, at: new Date() });
    return Promise.resolve();
  }
  read(seqs: readonly number[]): Promise<StoredEvent[]> {
    this.check();
    return Promise.resolve(this.stored.filter((e) => seqs.includes(e.seq)));
  }
  prune(): Promise<void> {
    return Promise.resolve();
  }
}

function recordingLogger() {
  const lines: { level: string; message: string }[] = [];
  const at = (level: string) => (...args: unknown[]) => { lines.push({ level, message: String(args.find((a) => typeof a === 'string')) }); };
  return { lines, logger: { warn: at('warn'), info: at('info'), error: at('error'), debug: at('debug') } as unknown as Logger };
}

describe('the bus while the database is away', () => {
  it('keeps local listeners hearing, logs the outage once, and catches up after it', async () => {
    const log = new SwitchableLog();
    const { lines, logger } = recordingLogger();
    const [a, b] = [new SharedBus({ log, pollMs: 20, keepMs: 60_000, logger }), new SharedBus({ log, pollMs: 20, keepMs: 60_000, logger })];
    await Promise.all([a.start(), b.start()]);
    const onA: SignalPayload[] = [];
    const onB: SignalPayload[] = [];
    a.subscribe('inbox', (p) => onA.push(p));
    b.subscribe('inbox', (p) => onB.push(p));

    log.down = true;
    a.publish('inbox', { number: 'ADU-2612-00001' });
    expect(onA).toEqual([{ number: 'ADU-2612-00001' }]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // About 15 failed polls per bus and one failed write: three lines, not thirty.
    expect(lines.filter((l) => l.level === 'warn').map((l) => l.message).sort()).toEqual([
      'live updates could not be shared with other instances',
      'reading live updates from other instances failed; trying again every poll',
      'reading live updates from other instances failed; trying again every poll',
    ]);

    log.down = false;
    await until('both read again', () => lines.filter((l) => l.level === 'info').length === 2, 2_000);
    a.publish('inbox', { number: 'ADU-2612-00002' });
    await until('B hears what A publishes after the outage', () => onB.length > 0, 2_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(onB).toEqual([{ number: 'ADU-2612-00002' }]);
    expect(onA).toEqual([{ number: 'ADU-2612-00001' }, { number: 'ADU-2612-00002' }]);
    await Promise.all([a.stop(), b.stop()]);
  });
});
