// Which server speaks the MongoDB protocol on a connection: MongoDB itself, or
// FerretDB (the embedded database), which answers `buildInfo` with a
// `ferretdbVersion`. FerretDB has no geo indexes or operators (`$geoWithin`
// is an unknown operator, a 2dsphere index cannot be created), so the few
// queries that need them take another way there.
import type { Connection } from 'mongoose';

export type DatabaseEngine = 'mongodb' | 'ferretdb';

const known = new WeakMap<Connection, Promise<DatabaseEngine>>();

/** Asked once per connection. */
export function databaseEngine(connection: Connection): Promise<DatabaseEngine> {
  let engine = known.get(connection);
  if (!engine) {
    engine = ask(connection);
    // A failed question (the database not reachable yet) is asked again next time.
    engine.catch(() => known.delete(connection));
    known.set(connection, engine);
  }
  return engine;
}

async function ask(connection: Connection): Promise<DatabaseEngine> {
  const db = connection.db;
  if (!db) throw new Error('the database connection is not open');
  const info = await db.admin().command({ buildInfo: 1 });
  return 'ferretdbVersion' in info ? 'ferretdb' : 'mongodb';
}
