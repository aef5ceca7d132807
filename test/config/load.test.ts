import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { DEFAULT_CONFIG_FILE } from '../support/config.js';

const dir = mkdtempSync(join(tmpdir(), 'aduan-config-'));
const shipped = readFileSync(DEFAULT_CONFIG_FILE, 'utf8');

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function problemsOf(files: string[], env: NodeJS.ProcessEnv = {}): readonly string[] {
  try {
    loadConfig({ files, env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('loadConfig', () => {
  it('accepts the shipped configuration for a realistic city', () => {
    const config = loadConfig({ files: [DEFAULT_CONFIG_FILE] });
    expect(config.city).toEqual({ name: 'Pemerintah Kota Contoh', timezone: 'Asia/Jakarta', locale: 'id' });
    expect(config.categories.length).toBeGreaterThanOrEqual(10);
    expect(config.categories.find((c) => c.code === 'listrik')).toMatchObject({ forwardTo: 'sp4n_lapor' });
    expect(config.sla).toMatchObject({ firstResponse: 24 * 3_600_000, followUp: 3 * 86_400_000, confirmationReminder: 7 * 86_400_000, closeAfterReminder: 7 * 86_400_000 });
    expect(config.limits.photoMaxBytes).toBe(10 * 1024 * 1024);
  });

  it('reports malformed YAML with the file, line and column', () => {
    const file = write('malformed.yaml', 'city:\n  name: "Kota\n  timezone: Asia/Jakarta\n');
    const problems = problemsOf([file]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${file}:\\d+:\\d+: invalid YAML: `));
  });

  it('reports a missing key with its path and what was expected', () => {
    const file = write('missing.yaml', shipped.replace(/^ {2}firstResponse: 24h.*$/m, ''));
    expect(problemsOf([file])).toEqual([`${file}: sla.firstResponse: missing (expected a duration like 90s, 15m, 24h or 7d)`]);
  });

  it('reports a wrong type with the value it got', () => {
    const file = write('wrong-type.yaml', shipped.replace('photosPerTicket: 5', 'photosPerTicket: lima'));
    expect(problemsOf([file])).toEqual([`${file}: limits.photosPerTicket: expected number, got string "lima"`]);
  });

  it('reports a category mapped to an unknown agency, naming the agencies that exist', () => {
    const file = write('unknown-agency.yaml', shipped.replace('agency: DLH', 'agency: DLHX'));
    const problems = problemsOf([file]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toBe(`${file}: categories[1].agency: unknown agency "DLHX" (expected one of DPUPR, DLH, DISHUB, DPRKP, PDAM, DISDUKCAPIL, DINKES, SATPOLPP, DISKOMINFO)`);
  });

  it('reports every problem, one line each, including unknown keys and bad durations and cron', () => {
    const text = shipped
      .replace('followUp: 3d', 'followUp: three days')
      .replace('slaSweep: "*/5 * * * *"', 'slaSweep: "every five minutes"')
      .replace('locale: id ', 'locale: fr ')
      .replace('dataDir: ./data', 'dataDir: ./data\ndatadir: ./typo');
    const file = write('many.yaml', text);
    expect(problemsOf([file])).toEqual([
      `${file}: city.locale: expected one of "id", "en", got string "fr"`,
      `${file}: sla.followUp: expected a duration like 90s, 15m, 24h or 7d, got "three days"`,
      `${file}: schedules.slaSweep: expected a cron expression (5 or 6 fields), got "every five minutes"`,
      `${file}: (top level): unknown key "datadir"`,
    ]);
  });

  it("merges a city's file over the default and names the file that holds a bad value", () => {
    const city = write('city.yaml', 'city:\n  name: Pemerintah Kota Bandung\nsla:\n  firstResponse: 12h\n');
    const config = loadConfig({ files: [DEFAULT_CONFIG_FILE, city] });
    expect(config.city.name).toBe('Pemerintah Kota Bandung');
    expect(config.city.timezone).toBe('Asia/Jakarta');
    expect(config.sla.firstResponse).toBe(12 * 3_600_000);

    const bad = write('city-bad.yaml', 'sla:\n  followUp: soon\n');
    expect(problemsOf([DEFAULT_CONFIG_FILE, bad])).toEqual([`${bad}: sla.followUp: expected a duration like 90s, 15m, 24h or 7d, got "soon"`]);
  });

  it('lets environment variables override the file and blames the variable for bad values', () => {
    const config = loadConfig({
      files: [DEFAULT_CONFIG_FILE],
      env: { PORT: '8080', MONGODB_URI: 'mongodb://db:27017/aduan', WHATSAPP_ENABLED: 'true', TELEGRAM_BOT_TOKEN: '123:abc', IMAP_PORT: '143' },
    });
    expect(config.server.port).toBe(8080);
    expect(config.database.uri).toBe('mongodb://db:27017/aduan');
    expect(config.channels.whatsappWeb.enabled).toBe(true);
    expect(config.channels.telegram.botToken).toBe('123:abc');
    expect(config.channels.email.imap.port).toBe(143);

    expect(problemsOf([DEFAULT_CONFIG_FILE], { PORT: 'abc', TELEGRAM_API_ROOT: 'not a url' })).toEqual([
      'environment PORT: server.port: expected number, got string "abc"',
      'environment TELEGRAM_API_ROOT: channels.telegram.apiRoot: Invalid URL',
    ]);
  });

  it('reports a missing file', () => {
    expect(problemsOf([join(dir, 'nope.yaml')])).toEqual([`${join(dir, 'nope.yaml')}: cannot read: file not found`]);
  });
});
