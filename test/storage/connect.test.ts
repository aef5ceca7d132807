// Which database a connection string names, as the driver reads it: one rule
// for the service and the command-line tools.
import { describe, expect, it } from 'vitest';
import { databaseNameIn, dbNameFor } from '../../src/storage/connect.js';

describe('databaseNameIn', () => {
  it.each([
    ['mongodb://127.0.0.1:27017', undefined],
    ['mongodb://127.0.0.1:27017/', undefined],
    ['mongodb://host/?replicaSet=rs0', undefined],
    ['mongodb://host?replicaSet=rs0', undefined],
    ['mongodb://a:27017,b:27017,c:27017/?replicaSet=rs0', undefined],
    ['mongodb+srv://cluster0.example.net', undefined],
    ['mongodb+srv://cluster0.example.net/', undefined],
    ['mongodb+srv://cluster0.example.net/?retryWrites=true&w=majority', undefined],
    ['mongodb://user:pass@host:27017', undefined],
    ['mongodb://user:pass@host:27017/?authSource=admin', undefined],
    ['mongodb://user:pa/ss?x@host/', undefined],
    ['mongodb://127.0.0.1:27017/aduan', 'aduan'],
    ['mongodb://host/kota?replicaSet=rs0', 'kota'],
    ['mongodb://a:27017,b:27017/kota?replicaSet=rs0', 'kota'],
    ['mongodb+srv://cluster0.example.net/kota', 'kota'],
    ['mongodb+srv://cluster0.example.net/kota?retryWrites=true', 'kota'],
    ['mongodb://user:pass@host:27017/kota?authSource=admin', 'kota'],
    ['mongodb+srv://user:p%40ss@cluster0.example.net/kota', 'kota'],
    ['mongodb://user:pa/ss?x@host/kota', 'kota'],
    ['mongodb://host/my%20db', 'my db'],
  ])('%s → %s', (uri, name) => {
    expect(databaseNameIn(uri)).toBe(name);
  });
});

describe('dbNameFor', () => {
  it('gives `aduan` (or the fallback) only when the URI names no database', () => {
    expect(dbNameFor('mongodb://127.0.0.1:27017')).toBe('aduan');
    expect(dbNameFor('mongodb+srv://user:pass@cluster0.example.net/?w=majority')).toBe('aduan');
    expect(dbNameFor('mongodb://127.0.0.1:27017/', 'other')).toBe('other');
    expect(dbNameFor('mongodb://127.0.0.1:27017/kota')).toBeUndefined();
  });
});
