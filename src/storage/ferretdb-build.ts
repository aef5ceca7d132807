// Builds the embedded FerretDB helper (tools/ferretdb) with `go build`.
//
// Small changes are made to FerretDB 1.24 at build time (PATCHES below), on a copy of the
// module under tools/ferretdb/bin/ (git-ignored; the module cache stays
// untouched and none of FerretDB's code is in this repository). Its SQLite
// backend pushes a filter down to SQL only when the filter is exactly
// `{_id: …}`, and even then with an expression its `_id` index does not
// match, so every look-up, update and conditional update such as
// `{_id: key, status: "open", version: 3}` scans the whole table. Patched, `_id`
// equality is pushed down whenever the filter has it and SQLite uses the
// index; FerretDB's handler still applies the complete filter to the rows
// that come back, so results are unchanged. Its PostgreSQL backend pushes
// `_id` equality down as JSON containment (`_jsonb->'_id' @> $1`), which its
// btree `_id` index cannot serve; patched, it is `_jsonb->'_id' = $1` for the
// types Aduan keys documents with (EXPLAIN: an index scan, not a sequential one).
// The others keep dotted paths out of PostgreSQL's SQL and cut CPU per write
// (README, Benchmark: Intake throughput).
import { execFile } from 'node:child_process';
import { cpSync, existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const HELPER_DIR = fileURLToPath(new URL('../../tools/ferretdb/', import.meta.url));
export const FERRETDB_BINARY = join(HELPER_DIR, 'bin', 'ferretdb');
const SOURCES = [...['main.go', 'gate.go', 'cores.go', 'postgres.go', 'go.mod', 'go.sum'].map((f) => join(HELPER_DIR, f)), fileURLToPath(import.meta.url)];

/** [file in the module, code as FerretDB 1.24 has it, code as Aduan builds it] */
const PATCHES: readonly (readonly [string, string, string])[] = [
  // Push `_id` equality down even when the filter has other conditions too.
  [
    'internal/backends/sqlite/collection.go',
    '\tif params.Filter.Len() == 1 {\n\t\tv, _ := params.Filter.Get("_id")',
    '\tif params.Filter.Len() >= 1 { // aduan: push _id down beside other conditions\n\t\tv, _ := params.Filter.Get("_id")',
  ],
  // Spell the _id expression exactly as the unique _id index does, so SQLite
  // uses that index instead of scanning the table for every look-up and update.
  ['internal/backends/sqlite/metadata/metadata.go', `IDColumn = DefaultColumn + "->'$._id'"`, 'IDColumn = DefaultColumn + `->"_id"` // aduan: matches the _id index expression'],
  // PostgreSQL: `_id` equality as `=` on the indexed expression. For a scalar, JSON
  // containment and equality select the same rows (an `_id` is never an array).
  [
    'internal/backends/postgresql/query.go',
    '\t\tcase float64, string, types.ObjectID, bool, time.Time, int32, int64:\n\t\t\tif f, a := filterEqual(p, key, v, keyOperator); f != "" {',
    '\t\tcase float64, string, types.ObjectID, bool, time.Time, int32, int64:\n\t\t\tif f, a := aduanIDEqual(p, rootKey, v); f != "" { // aduan: the _id index serves it\n\t\t\t\tfilters = append(filters, f)\n\t\t\t\targs = append(args, a...)\n\t\t\t} else if f, a := filterEqual(p, key, v, keyOperator); f != "" {',
  ],
  // PostgreSQL: never push a dotted path down. Its `#>` path does not look into arrays as MongoDB's
  // dotted paths do, so `{'tickets.number': n}` matched no document whose `tickets` is an array;
  // find drops such keys before the backend, but delete, update and findAndModify did not (a
  // deleteMany or conditional update silently matched nothing). FerretDB still applies them.
  [
    'internal/backends/postgresql/query.go',
    '\t\t\tif path.Len() > 1 {\n\t\t\t\tkeyOperator = "#>"',
    '\t\t\tif path.Len() > 1 {\n\t\t\t\tcontinue // aduan: dotted paths are not pushed down (arrays)\n\t\t\t\tkeyOperator = "#>"',
  ],
  // Leak tracking (a stack trace, a pprof profile entry and a finalizer per iterator and transaction) is a
  // debugging aid that cost about 5 % of the helper's CPU in `npm run bench`; nothing is tracked.
  ['internal/util/resource/resource.go', 'func Track(obj any, token *Token) {\n\tcheckArgs(obj, token)', 'func Track(obj any, token *Token) {\n\tif true { // aduan: leak tracking off\n\t\treturn\n\t}\n\tcheckArgs(obj, token)'],
  ['internal/util/resource/resource.go', 'func Untrack(obj any, token *Token) {\n\tcheckArgs(obj, token)', 'func Untrack(obj any, token *Token) {\n\tif true { // aduan: leak tracking off\n\t\treturn\n\t}\n\tcheckArgs(obj, token)'],
  // PostgreSQL: an update of one document is one UPDATE statement, atomic on its own; FerretDB wrapped it in
  // BEGIN … COMMIT, two more round trips to the server for every updated document.
  [
    'internal/backends/postgresql/collection.go',
    '\terr = pool.InTransaction(ctx, p, func(tx pgx.Tx) error {\n\t\tfor _, doc := range params.Docs {\n\t\t\tvar b []byte\n\t\t\tif b, err = sjson.Marshal(doc); err != nil {',
    '\tif len(params.Docs) == 1 { // aduan: one statement needs no transaction\n\t\tb, err := sjson.Marshal(params.Docs[0])\n\t\tif err != nil {\n\t\t\treturn nil, lazyerrors.Error(err)\n\t\t}\n\t\tid, _ := params.Docs[0].Get("_id")\n\t\tmust.NotBeZero(id)\n\t\ttag, err := p.Exec(ctx, q, b, must.NotFail(sjson.MarshalSingleValue(id)))\n\t\tif err != nil {\n\t\t\treturn nil, lazyerrors.Error(err)\n\t\t}\n\t\tres.Updated = int32(tag.RowsAffected())\n\t\treturn &res, nil\n\t}\n\n\terr = pool.InTransaction(ctx, p, func(tx pgx.Tx) error {\n\t\tfor _, doc := range params.Docs {\n\t\t\tvar b []byte\n\t\t\tif b, err = sjson.Marshal(doc); err != nil {',
  ],
  // PostgreSQL: an insert that fits one INSERT statement (FerretDB's batch size, 100 documents) is that statement
  // alone, atomic on its own (a duplicate key refuses all its rows, as the transaction did); FerretDB wrapped it in
  // BEGIN … COMMIT, two more round trips for every insert command.
  [
    'internal/backends/postgresql/collection.go',
    '\terr = pool.InTransaction(ctx, p, func(tx pgx.Tx) error {\n\t\tbatchSize := c.r.BatchSize',
    '\tif len(params.Docs) <= c.r.BatchSize { // aduan: one statement needs no transaction\n\t\tq, args, err := prepareInsertStatement(c.dbName, meta.TableName, meta.Capped(), params.Docs)\n\t\tif err != nil {\n\t\t\treturn nil, lazyerrors.Error(err)\n\t\t}\n\t\tif _, err = p.Exec(ctx, q, args...); err != nil {\n\t\t\tvar pgErr *pgconn.PgError\n\t\t\tif errors.As(err, &pgErr) && pgErr.Code == pgerrcode.UniqueViolation {\n\t\t\t\treturn nil, backends.NewError(backends.ErrorCodeInsertDuplicateID, err)\n\t\t\t}\n\t\t\treturn nil, lazyerrors.Error(err)\n\t\t}\n\t\treturn new(backends.InsertAllResult), nil\n\t}\n\n\terr = pool.InTransaction(ctx, p, func(tx pgx.Tx) error {\n\t\tbatchSize := c.r.BatchSize',
  ],
  [
    'internal/backends/postgresql/query.go',
    '// prepareOrderByClause returns ORDER BY clause',
    `// aduanIDEqual: _id equality in the form of the _id index expression; "" for other keys and types.
func aduanIDEqual(p *metadata.Placeholder, key string, v any) (string, []any) {
\tif key != "_id" {
\t\treturn "", nil
\t}
\tswitch v := v.(type) {
\tcase string, types.ObjectID:
\t\treturn metadata.IDColumn + " = " + p.Next(), []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}
\tcase bool, int32:
\t\treturn metadata.IDColumn + " = " + p.Next(), []any{v}
\t}
\treturn "", nil
}

// prepareOrderByClause returns ORDER BY clause`,
  ],
];

export function isFerretDbBinaryFresh(): boolean {
  if (!existsSync(FERRETDB_BINARY)) return false;
  const built = statSync(FERRETDB_BINARY).mtimeMs;
  return SOURCES.every((s) => !existsSync(s) || statSync(s).mtimeMs <= built);
}

export async function hasGo(): Promise<boolean> {
  try {
    await execFileAsync('go', ['version']);
    return true;
  } catch {
    return false;
  }
}

export async function buildFerretDb(): Promise<string> {
  const go = (args: string[]) => execFileAsync('go', args, { cwd: HELPER_DIR, maxBuffer: 16 * 1024 * 1024 });
  await go(['mod', 'download', 'github.com/FerretDB/FerretDB']);
  const moduleDir = (await go(['list', '-m', '-f', '{{.Dir}}', 'github.com/FerretDB/FerretDB'])).stdout.trim();

  // A patched copy of the module, used through a replace directive in a build-only go.mod.
  const copy = join(HELPER_DIR, 'bin', 'ferretdb-module');
  rmSync(copy, { recursive: true, force: true });
  cpSync(moduleDir, copy, { recursive: true });
  await execFileAsync('chmod', ['-R', 'u+w', copy]); // the module cache is read-only
  // FerretDB tells its version (`buildInfo`'s `ferretdbVersion`) only when it is the main module; as a library it says
  // "unknown". The helper says which it is, so the service knows what the engine can do (engine.ts).
  const version = (await go(['list', '-m', '-f', '{{.Version}}', 'github.com/FerretDB/FerretDB'])).stdout.trim();
  const versionPatch = ['build/version/version.go', '\t\tVersion:             unknown,', `\t\tVersion:             ${JSON.stringify(version)}, // aduan: the module's version`] as const;
  for (const [file, from, to] of [...PATCHES, versionPatch]) {
    const path = join(copy, file);
    const source = readFileSync(path, 'utf8');
    if (!source.includes(from)) throw new Error(`cannot patch ${join(moduleDir, file)}: the code is not as FerretDB 1.24 has it`);
    writeFileSync(path, source.replaceAll(from, to));
  }
  const modfile = join(HELPER_DIR, 'bin', 'go.build.mod');
  writeFileSync(modfile, `${readFileSync(join(HELPER_DIR, 'go.mod'), 'utf8')}\nreplace github.com/FerretDB/FerretDB => ./bin/ferretdb-module\n`);
  writeFileSync(join(HELPER_DIR, 'bin', 'go.build.sum'), readFileSync(join(HELPER_DIR, 'go.sum')));

  const temporary = `${FERRETDB_BINARY}.${String(process.pid)}.tmp`;
  await go(['build', `-modfile=${modfile}`, '-o', temporary, '.']);
  renameSync(temporary, FERRETDB_BINARY);
  return FERRETDB_BINARY;
}
