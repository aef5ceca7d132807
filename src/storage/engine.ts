// Which server speaks the MongoDB protocol on a connection: MongoDB itself, or
// FerretDB (the embedded database), which answers `buildInfo` with a
// `ferretdbVersion`. FerretDB has no geo indexes or operators (`$geoWithin`
// is an unknown operator, a 2dsphere index cannot be created), so the few
// queries that need them take another way there.
import type { Connection } from 'mongoose';

export type DatabaseEngine = 'mongodb' | 'ferretdb';

interface EngineInfo {
  readonly engine: DatabaseEngine;
  /** FerretDB's own version ("v1.24.2"; "unknown" from a build that does not say), when the engine is FerretDB. */
  readonly ferretdbVersion?: string;
}

const known = new WeakMap<Connection, Promise<EngineInfo>>();

/** Asked once per connection. */
export async function databaseEngine(connection: Connection): Promise<DatabaseEngine> {
  return (await engineInfo(connection)).engine;
}

/**
 * Whether the server answers a query through a secondary index at all. FerretDB 1.x does not: it pushes only
 * `_id` equality down to its SQL backend (as Aduan builds it, ferretdb-build.ts) and filters every other
 * condition in its own process, so its secondary indexes only cost each write (indexes.ts). FerretDB 2
 * (on DocumentDB) and MongoDB use them.
 */
export async function secondaryIndexesServe(connection: Connection): Promise<boolean> {
  const info = await engineInfo(connection);
  return info.engine === 'mongodb' || !/^v?1\./.test(info.ferretdbVersion ?? '');
}

function engineInfo(connection: Connection): Promise<EngineInfo> {
  let info = known.get(connection);
  if (!info) {
    info = ask(connection);
    // A failed question (the database not reachable yet) is asked again next time.
    info.catch(() => known.delete(connection));
    known.set(connection, info);
  }
  return info;
}

async function ask(connection: Connection): Promise<EngineInfo> {
  const db = connection.db;
  if (!db) throw new Error('the database connection is not open');
  const info = await db.admin().command({ buildInfo: 1 });
  return 'ferretdbVersion' in info ? { engine: 'ferretdb', ferretdbVersion: String(info.ferretdbVersion) } : { engine: 'mongodb' };
}
