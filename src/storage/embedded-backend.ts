// Which storage engine the embedded FerretDB runs on: PostgreSQL where its
// server binaries are installed (every query the app runs is pushed down to
// SQL and can use an index), SQLite otherwise. Data already in DATA_DIR keeps
// its engine: switching would silently present an empty database.
import { accessSync, constants, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';

export type EmbeddedBackend = 'postgresql' | 'sqlite';
export type EmbeddedBackendChoice = 'auto' | EmbeddedBackend;

export interface ChosenBackend {
  readonly backend: EmbeddedBackend;
  /** Directory of initdb, postgres and pg_isready (postgresql only). */
  readonly pgBin?: string;
  /** Why, for the start-up log. */
  readonly reason: string;
}

const PG_TOOLS = ['initdb', 'postgres', 'pg_isready'];
/** The account PostgreSQL runs as when the service runs as root (Debian's package creates it). */
export const PG_OS_USER = 'postgres';

/** `EMBEDDED_DB_BACKEND` (auto, postgresql or sqlite) for the scripts that start the database themselves. */
export function embeddedBackendFromEnv(env: NodeJS.ProcessEnv = process.env): EmbeddedBackendChoice {
  const value = env.EMBEDDED_DB_BACKEND ?? 'auto';
  if (value === 'auto' || value === 'postgresql' || value === 'sqlite') return value;
  throw new Error(`EMBEDDED_DB_BACKEND must be auto, postgresql or sqlite, not ${JSON.stringify(value)}`);
}

export function chooseEmbeddedBackend(dataDir: string, requested: EmbeddedBackendChoice = 'auto'): ChosenBackend {
  if (requested === 'sqlite') return { backend: 'sqlite', reason: 'EMBEDDED_DB_BACKEND=sqlite' };
  const pgBin = findPostgresBinaries();
  const hasCluster = existsSync(join(dataDir, 'postgres', 'cluster', 'PG_VERSION'));
  if (requested === 'postgresql' || hasCluster) {
    const why = requested === 'postgresql' ? 'EMBEDDED_DB_BACKEND=postgresql' : `${join(dataDir, 'postgres')} holds the data`;
    if (!pgBin) throw new Error(`${why}, but PostgreSQL's server programs (initdb, postgres) are not installed: apt-get install postgresql`);
    const blocked = unreachableForPostgres(dataDir);
    if (blocked) throw new Error(`${why}, but ${blocked}`);
    return { backend: 'postgresql', pgBin, reason: why };
  }
  if (hasSqliteData(join(dataDir, 'ferretdb'))) return { backend: 'sqlite', reason: `${join(dataDir, 'ferretdb')} holds the data` };
  if (!pgBin) return { backend: 'sqlite', reason: 'PostgreSQL is not installed' };
  const blocked = unreachableForPostgres(dataDir);
  if (blocked) return { backend: 'sqlite', reason: blocked };
  return { backend: 'postgresql', pgBin, reason: 'PostgreSQL is installed' };
}

/** Debian's /usr/lib/postgresql/<version>/bin (newest first), then the PATH. */
export function findPostgresBinaries(): string | undefined {
  const debian = '/usr/lib/postgresql';
  const versions = existsSync(debian) ? readdirSync(debian).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  const candidates = [...versions.map((v) => join(debian, v, 'bin')), ...(process.env.PATH ?? '').split(delimiter).filter(Boolean)];
  return candidates.find((dir) => PG_TOOLS.every((tool) => isExecutable(join(dir, tool))));
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function hasSqliteData(dir: string): boolean {
  return existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.sqlite'));
}

/**
 * Run as root, PostgreSQL runs as `postgres` and must be able to pass through
 * every directory above its cluster. Says which directory stops it, if any;
 * the service does not loosen permissions of directories it does not own.
 */
function unreachableForPostgres(dataDir: string): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const account = readFileSync('/etc/passwd', 'utf8').split('\n').map((l) => l.split(':')).find((f) => f[0] === PG_OS_USER);
  if (!account) return `the service runs as root and there is no '${PG_OS_USER}' account to run PostgreSQL as`;
  const [uid, gid] = [Number(account[2]), Number(account[3])];
  for (let dir = resolve(dataDir); ; dir = dirname(dir)) {
    if (existsSync(dir)) {
      const { mode, uid: owner, gid: group } = statSync(dir);
      const passes = (mode & 0o001) !== 0 || (owner === uid && (mode & 0o100) !== 0) || (group === gid && (mode & 0o010) !== 0);
      if (!passes) return `user '${PG_OS_USER}' cannot enter ${dir} (chmod o+x ${dir}, or EMBEDDED_DB_BACKEND=sqlite)`;
    }
    if (dirname(dir) === dir) return undefined;
  }
}
