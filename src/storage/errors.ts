// MongoDB error codes the storage layer handles.
export const DUPLICATE_KEY = 11000;

/** A duplicate-key error, including a bulk write whose every failure is one. */
export function isDuplicateKeyError(error: unknown): boolean {
  const e = error as { code?: number; writeErrors?: { code?: number }[] } | null;
  if (e?.code === DUPLICATE_KEY) return true;
  return Array.isArray(e?.writeErrors) && e.writeErrors.length > 0 && e.writeErrors.every((w) => w.code === DUPLICATE_KEY);
}
