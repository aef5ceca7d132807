// Group commit: writes that arrive while a command of their kind is on its way
// go together as ONE command, so the embedded database's write gate (one
// mutating command at a time) takes a batch of 20 documents for about the
// price of one. No timer: an idle batcher sends at the next turn of the event
// loop (what arrived in the same turn goes along); a busy one (two commands on
// their way) collects until one comes back, so batches grow with the load and
// add little wait when there is none.
//
// Each write stays what it was: one single-document insert, or one
// single-document (conditional) update, atomic on its own; a batch is not a
// transaction. Each caller's promise settles with its own write only, so a
// caller awaits its write exactly as it awaited the command before (the crash
// windows are the same). Two commands of a kind may be on their way at once,
// never with writes of the same document. The command is ordered: the writes before a failed
// one are done, the failed one is rejected with its own error (code 11000 for
// a duplicate key), and the ones after it (which an ordered command leaves
// undone) are sent again with the next command. An update command that
// failed is sent again write by write (see `oneByOne`): its updates must be
// repeatable.
import type { AnyBulkWriteOperation, Document } from 'mongodb';

/** The collection method a batcher drives (a mongoose model's `collection`, or the driver's). */
export interface BulkWritable<T extends Document> {
  bulkWrite(operations: AnyBulkWriteOperation<T>[], options: { ordered: true; ignoreUndefined: true }): Promise<unknown>;
}

/** One write of a batch that the database refused (its code, e.g. 11000, as a driver error would carry it). */
export class BatchedWriteError extends Error {
  constructor(message: string, readonly code: number | undefined) {
    super(message);
    this.name = 'BatchedWriteError';
  }
}

/**
 * What became of one write: `upserted` when an update with `upsert` inserted its document; `repeated` when
 * it may have been sent twice (see `oneByOne`), so a document it inserted the first time shows as found.
 */
export interface WriteOutcome {
  readonly upserted: boolean;
  readonly repeated?: boolean;
}

interface Queued<T extends Document> {
  readonly operation: AnyBulkWriteOperation<T>;
  readonly resolve: (outcome: WriteOutcome) => void;
  readonly reject: (error: unknown) => void;
}

/** Writes of one kind (inserts, or updates) to one collection; each `write` settles with its own outcome. */
export class WriteBatcher<T extends Document> {
  private queued: Queued<T>[] = [];
  private scheduled = false;
  private inFlight = 0;
  /** The documents the commands on their way write: a later write of one waits for its command. */
  private readonly flying = new Set<unknown>();
  /** Commands sent and writes carried (the benchmark and the tests read them). */
  readonly counts = { commands: 0, writes: 0 };

  /** `maxInFlight`: commands of this kind on their way at once (more would only queue at the write gate). */
  constructor(private readonly collection: BulkWritable<T>, private readonly maxBatch = 200, private readonly maxInFlight = 2) {}

  write(operation: AnyBulkWriteOperation<T>): Promise<WriteOutcome> {
    return new Promise<WriteOutcome>((resolve, reject) => {
      this.queued.push({ operation, resolve, reject });
      this.pump();
    });
  }

  /** At the next turn of the event loop (what arrives in this one goes along), sends what may go. */
  private pump(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      while (this.inFlight < this.maxInFlight && this.queued.length > 0) {
        const batch = nextBatch(this.queued, this.maxBatch, this.flying);
        if (batch.length === 0) return;
        this.queued = this.queued.filter((q) => !batch.includes(q));
        const ids = batch.map((q) => documentId(q.operation));
        for (const id of ids) this.flying.add(id);
        this.inFlight++;
        void this.send(batch).finally(() => {
          this.inFlight--;
          for (const id of ids) this.flying.delete(id);
          if (this.queued.length > 0) this.pump();
        });
      }
    });
  }

  private async send(batch: readonly Queued<T>[]): Promise<void> {
    this.counts.commands++;
    this.counts.writes += batch.length;
    try {
      // ignoreUndefined: an absent optional field stays absent (as mongoose leaves it), not null.
      const result = await this.collection.bulkWrite(batch.map((q) => q.operation), { ordered: true, ignoreUndefined: true });
      const upserted = upsertedIds(result);
      for (const q of batch) q.resolve({ upserted: upserted.has(documentId(q.operation)) });
    } catch (error) {
      const failed = failedWrite(error);
      if (failed === undefined || failed.index >= batch.length) {
        // The command as a whole failed (connection lost, server gone): nobody knows what it did, as for a single write.
        for (const q of batch) q.reject(error);
        return;
      }
      if (batch.some((q) => !('insertOne' in q.operation))) {
        // FerretDB 1.24 stops an update command at its first refused write but numbers that write 0 and counts
        // nothing matched, so which of these were done is unknown: each goes again on its own. Updates sent
        // here are written to be repeatable (a repeat of one that was done succeeds and changes nothing).
        await this.oneByOne(batch);
        return;
      }
      const upserted = upsertedIds((error as { result?: unknown }).result);
      for (const q of batch.slice(0, failed.index)) q.resolve({ upserted: upserted.has(documentId(q.operation)) });
      batch[failed.index]?.reject(new BatchedWriteError(failed.message, failed.code));
      // The rest were not tried (an ordered command stops at the refused write): first in line again.
      this.queued = [...batch.slice(failed.index + 1), ...this.queued];
    }
  }

  private async oneByOne(batch: readonly Queued<T>[]): Promise<void> {
    for (const q of batch) {
      this.counts.commands++;
      this.counts.writes++;
      try {
        const result = await this.collection.bulkWrite([q.operation], { ordered: true, ignoreUndefined: true });
        // A repeat finds the document its first run inserted: whether it was inserted here is not known.
        q.resolve({ upserted: upsertedIds(result).size > 0, repeated: true });
      } catch (error) {
        const failed = failedWrite(error);
        q.reject(failed ? new BatchedWriteError(failed.message, failed.code) : error);
      }
    }
  }
}

/**
 * The writes from the front of the queue that go together: at most `max`, and one per document, so a
 * document's writes keep their order and an upsert is known by its `_id` (FerretDB's answer does not
 * number the upserted writes as MongoDB does).
 */
function nextBatch<T extends Document>(queued: readonly Queued<T>[], max: number, flying: ReadonlySet<unknown>): Queued<T>[] {
  const ids = new Set<unknown>();
  const batch: Queued<T>[] = [];
  for (const q of queued) {
    const id = documentId(q.operation);
    if (batch.length === max || ids.has(id)) break;
    ids.add(id);
    // A document with a write on its way: this write, and so the ones behind it for that document, wait for it.
    if (!flying.has(id)) batch.push(q);
  }
  return batch;
}

/** The `_id` a write is for: the inserted document's, or the update's filter's. */
function documentId<T extends Document>(operation: AnyBulkWriteOperation<T>): unknown {
  if ('insertOne' in operation) return (operation.insertOne.document as { _id?: unknown })._id;
  if ('updateOne' in operation) return (operation.updateOne.filter as { _id?: unknown })._id;
  return undefined;
}

/** The `_id`s of the documents the updates of a command inserted (the driver's BulkWriteResult.upsertedIds). */
function upsertedIds(result: unknown): Set<unknown> {
  const ids = (result as { upsertedIds?: Record<string, unknown> } | null | undefined)?.upsertedIds ?? {};
  return new Set(Object.values(ids));
}

/** The first refused write of an ordered bulk write (the only one: an ordered command stops there). */
function failedWrite(error: unknown): { index: number; code: number | undefined; message: string } | undefined {
  const writeErrors = (error as { writeErrors?: unknown } | null)?.writeErrors;
  const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
  const first = list
    .map((w) => w as { index?: number; code?: number; errmsg?: string; message?: string })
    .filter((w) => typeof w.index === 'number')
    .sort((a, b) => (a.index ?? 0) - (b.index ?? 0))[0];
  if (first?.index === undefined) return undefined;
  return { index: first.index, code: first.code, message: first.errmsg ?? first.message ?? 'write refused' };
}
