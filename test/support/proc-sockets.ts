// What a process listens on, read from /proc (Linux): the embedded database
// tests check that the write gate's port is the only way in.
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';

export const HAS_PROC = existsSync('/proc/self/net/tcp');

/** Inodes of the sockets a process holds open, from its file descriptors. */
function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${String(pid)}/fd`)) {
    const target = (() => {
      try {
        return readlinkSync(`/proc/${String(pid)}/fd/${fd}`);
      } catch {
        return ''; // closed in between
      }
    })();
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode) inodes.add(inode);
  }
  return inodes;
}

/** TCP ports the process listens on (IPv4 and IPv6), read from /proc/<pid>/net/tcp{,6}. */
export function listeningTcpPorts(pid: number): number[] {
  const mine = socketInodes(pid);
  const ports: number[] = [];
  for (const table of ['tcp', 'tcp6']) {
    const path = `/proc/${String(pid)}/net/${table}`;
    if (!existsSync(path)) continue;
    for (const line of readFileSync(path, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [, local, , state, , , , , , inode] = fields;
      if (state === '0A' && inode && mine.has(inode) && local) ports.push(parseInt(local.split(':')[1] ?? '', 16)); // 0A: LISTEN
    }
  }
  return ports;
}

/** Paths of the Unix sockets the process has bound, from /proc/<pid>/net/unix. */
export function unixSocketPaths(pid: number): string[] {
  const mine = socketInodes(pid);
  return readFileSync(`/proc/${String(pid)}/net/unix`, 'utf8').split('\n').slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[6] !== undefined && mine.has(fields[6]) && fields[7] !== undefined)
    .map((fields) => fields[7] ?? '');
}
