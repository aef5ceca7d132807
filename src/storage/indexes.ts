// A model's collection and the indexes its schema declares, as the database can use them.
//
// MongoDB gets every declared index. FerretDB 1.x (the embedded database) answers every query other than
// an `_id` look-up by reading the rows and filtering them in its own process (engine.ts), so a secondary
// index there serves no query and costs every write: each insert and each update (a new row version in
// PostgreSQL) adds an entry to every index of the table. In `npm run bench` at 2,000 reporters, leaving
// them out raised intake by about a tenth on PostgreSQL and a fifth on SQLite (README, Benchmark). There
// only the unique indexes are created, since they keep a rule (one ticket per number); those an earlier
// version created are dropped, so a city that upgrades gets the same writes.
import type { Connection, IndexDefinition, IndexOptions, Model } from 'mongoose';
import { secondaryIndexesServe } from './engine.js';

const NAMESPACE_EXISTS = 48;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any model: only its schema's indexes and collection are used
type AnyModel = Model<any>;

/** Creates the model's collection (if missing) and the indexes of its schema the database uses; idempotent, run at start. */
export async function prepareCollection(model: AnyModel): Promise<void> {
  await model.createCollection().catch((error: unknown) => {
    if ((error as { code?: number }).code !== NAMESPACE_EXISTS) throw error;
  });
  if (await secondaryIndexesServe(model.db)) {
    await model.createIndexes();
    return;
  }
  const declared = model.schema.indexes();
  for (const [keys, options] of declared.filter(([, o]) => o.unique === true)) await model.collection.createIndex(keys as Record<string, 1 | -1>, options as object, {});
  await dropUnused(model.db, model.collection.collectionName, declared.filter(([, o]) => o.unique !== true).map(indexName));
}

/** An index created on a collection outside a schema (GridFS's files): only where the database uses it. */
export async function prepareIndex(connection: Connection, collection: string, keys: Record<string, 1 | -1>): Promise<void> {
  if (await secondaryIndexesServe(connection)) {
    await connection.collection(collection).createIndex(keys, {}, {});
    return;
  }
  await dropUnused(connection, collection, [indexName([keys, {}])]);
}

async function dropUnused(connection: Connection, collection: string, names: readonly string[]): Promise<void> {
  const existing = await connection.collection(collection).indexes().catch(() => []);
  for (const index of existing) {
    if (index.name && names.includes(index.name)) await connection.collection(collection).dropIndex(index.name).catch(() => undefined); // another instance dropped it first
  }
}

/** The name MongoDB gives an index (`status_1_nextAttemptAt_1`) unless the schema names it. */
function indexName([keys, options]: [IndexDefinition, IndexOptions]): string {
  return options.name ?? Object.entries(keys).map(([field, order]) => `${field}_${String(order)}`).join('_');
}
