// A fresh database per test file on the shared MongoDB-protocol server.
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, inject } from 'vitest';

export interface TestDatabase {
  readonly connection: Connection;
  readonly uri: string;
  readonly name: string;
}

/** Registers hooks that open a uniquely named database before the file's tests and drop it after. */
export function useTestDatabase(file: string): TestDatabase {
  const name = `t_${basename(file).replace(/\W+/g, '_').slice(0, 30)}_${randomBytes(3).toString('hex')}`;
  const uri = inject('mongoUri');
  const state: { connection?: Connection } = {};

  beforeAll(async () => {
    state.connection = await mongoose.createConnection(uri, { dbName: name, autoIndex: false, autoCreate: false }).asPromise();
  });
  afterAll(async () => {
    await state.connection?.dropDatabase().catch(() => undefined);
    await state.connection?.close();
  });

  return {
    uri,
    name,
    get connection() {
      if (!state.connection) throw new Error('the test database is opened in beforeAll');
      return state.connection;
    },
  };
}
