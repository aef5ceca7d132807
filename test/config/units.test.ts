import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, parseSize } from '../../src/config/units.js';

describe('units', () => {
  it.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    ['500ms', 500],
    ['1.5h', 5_400_000],
  ])('parses the duration %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '7', 'd', '-1h', '0s', '3 days', '1w'])('rejects the duration %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('parses sizes and formats durations back', () => {
    expect(parseSize('10MB')).toBe(10_485_760);
    expect(parseSize('512kb')).toBe(524_288);
    expect(parseSize('2048')).toBe(2048);
    expect(parseSize('big')).toBeUndefined();
    expect(formatDuration(86_400_000)).toBe('1d');
    expect(formatDuration(90_000)).toBe('90s');
  });
});
