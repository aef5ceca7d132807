// sla.calendar (issue 15, item 2): working days, hours and holidays are checked at start with clear errors.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { DEFAULT_CONFIG_FILE } from '../support/config.js';

const dir = mkdtempSync(join(tmpdir(), 'aduan-calendar-'));

function city(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function problemsOf(file: string): readonly string[] {
  try {
    loadConfig({ files: [DEFAULT_CONFIG_FILE, file] });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('sla.calendar', () => {
  it('ships clock mode with the 2026 holidays and cuti bersama, and a city may switch to working days', () => {
    const shipped = loadConfig({ files: [DEFAULT_CONFIG_FILE] }).sla.calendar;
    expect(shipped).toMatchObject({ mode: 'clock', workingDays: [1, 2, 3, 4, 5], hours: { start: '08:00', end: '16:00' } });
    expect(shipped?.holidays).toEqual(expect.arrayContaining(['2026-03-20', '2026-03-21', '2026-03-22', '2026-03-23', '2026-03-24', '2026-12-24', '2026-12-25']));
    const file = city('working.yaml', 'sla:\n  calendar:\n    mode: working\n    hours: { start: "07:30", end: "16:00" }\n');
    expect(loadConfig({ files: [DEFAULT_CONFIG_FILE, file] }).sla.calendar).toMatchObject({ mode: 'working', hours: { start: '07:30', end: '16:00' }, workingDays: [1, 2, 3, 4, 5] });
  });

  it('names each wrong date, time, weekday and mode', () => {
    const file = city(
      'wrong.yaml',
      'sla:\n  calendar:\n    mode: kerja\n    workingDays: [1, 8]\n    hours: { start: "8:00", end: "16:00" }\n    holidays: ["2026-02-30", "25-12-2026"]\n',
    );
    const problems = problemsOf(file);
    expect(problems).toEqual(
      [
        expect.stringMatching(/sla\.calendar\.mode: expected one of "clock", "working", got string "kerja"$/),
        expect.stringMatching(/sla\.calendar\.workingDays\[1\]: expected a weekday number 1 \(Monday\) … 7 \(Sunday\)/),
        expect.stringMatching(/sla\.calendar\.hours\.start: expected a time of day like "08:00", got "8:00"/),
        expect.stringMatching(/sla\.calendar\.holidays\[0\]: expected a date like "2026-12-25", got "2026-02-30"/),
        expect.stringMatching(/sla\.calendar\.holidays\[1\]: expected a date like "2026-12-25", got "25-12-2026"/),
      ],
    );
  });

  it('refuses working hours that end before they start', () => {
    const file = city('hours.yaml', 'sla:\n  calendar:\n    mode: working\n    hours: { start: "16:00", end: "08:00" }\n');
    expect(problemsOf(file)).toEqual([expect.stringMatching(/sla\.calendar\.hours: expected hours\.start before hours\.end/)]);
  });
});
