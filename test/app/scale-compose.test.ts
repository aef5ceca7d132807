// docker-compose.scale.yml, deploy/haproxy.cfg and deploy/mongo-rs-init.js: Docker is not available
// where this is tested, so the wiring is checked instead of run: the compose file parsed (services,
// replica set members, the app's MONGODB_URI), HAProxy's own `haproxy -c` on its config and the
// backends it names, and the replica-set script run against a stand-in `rs`.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = new URL('../../', import.meta.url).pathname;
const read = (path: string) => readFileSync(`${ROOT}${path}`, 'utf8');

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  healthcheck?: { test: string[] };
}

const compose = parse(read('docker-compose.scale.yml'), { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const services = compose.services;
const haproxyCfg = read('deploy/haproxy.cfg');
const initScript = read('deploy/mongo-rs-init.js');
const apps = Object.keys(services).filter((name) => services[name]?.build === '.');
const mongos = Object.keys(services).filter((name) => services[name]?.command?.includes('--replSet'));

describe('docker-compose.scale.yml', () => {
  it('has a 3-node replica set, an init job, two app instances and a load balancer', () => {
    expect(mongos).toEqual(['mongo1', 'mongo2', 'mongo3']);
    for (const name of mongos) {
      const command = services[name]?.command ?? [];
      expect(command[command.indexOf('--replSet') + 1]).toBe('rs0');
      expect(command).toContain('--bind_ip_all');
      expect(services[name]?.healthcheck?.test.join(' ')).toContain('ping');
      // Each node its own volume.
      expect(services[name]?.volumes).toEqual([`${name}-data:/data/db`]);
    }
    expect(apps).toEqual(['aduan1', 'aduan2']);
    expect(services.lb?.image).toMatch(/^haproxy:/);
    expect(Object.keys(compose.volumes)).toEqual(expect.arrayContaining([...mongos.map((m) => `${m}-data`), ...apps.map((a) => `${a}-data`)]));
  });

  it('starts the apps after the replica set is initiated, on a MONGODB_URI naming every member and replicaSet=rs0', () => {
    const init = services['mongo-init'];
    expect(init?.command).toEqual(expect.arrayContaining(['mongosh', '--file', '/init/mongo-rs-init.js']));
    expect(init?.volumes).toContain('./deploy/mongo-rs-init.js:/init/mongo-rs-init.js:ro');
    expect(Object.keys(init?.depends_on ?? {})).toEqual(mongos);
    for (const app of apps) {
      const service = services[app];
      expect(service?.depends_on).toEqual({ 'mongo-init': { condition: 'service_completed_successfully' } });
      // mongodb://host1,host2,host3/db?options (WHATWG URL takes one host only).
      const uri = /^mongodb:\/\/([^/]+)\/(\w+)\?(.+)$/.exec(service?.environment?.MONGODB_URI ?? '');
      expect(uri?.[1]?.split(',')).toEqual(mongos.map((m) => `${m}:27017`));
      expect(uri?.[2]).toBe('aduan');
      expect(new URLSearchParams(uri?.[3]).get('replicaSet')).toBe('rs0');
      expect(service?.environment?.PORT).toBe('3000');
      // Not published: reached through the balancer only.
      expect(service?.ports).toBeUndefined();
    }
    // The members the script initiates are the compose services.
    const hosts = [...initScript.matchAll(/host: '([\w-]+):27017'/g)].map((m) => m[1]);
    expect(hosts).toEqual(mongos);
    expect(initScript).toContain("rs.initiate({ _id: 'rs0', members })");
  });

  it('balances round-robin without stickiness over exactly the app instances, health-checked on /healthz', () => {
    expect(services.lb?.volumes).toContain('./deploy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro');
    const bind = /^\s*bind :(\d+)$/m.exec(haproxyCfg)?.[1];
    expect(services.lb?.ports).toEqual([`3000:${bind ?? '?'}`]);
    const servers = [...haproxyCfg.matchAll(/^\s*server (\S+) ([\w-]+):(\d+) check$/gm)].map((m) => ({ name: m[1], host: m[2], port: m[3] }));
    expect(servers).toEqual(apps.map((app) => ({ name: app, host: app, port: services[app]?.environment?.PORT })));
    expect(haproxyCfg).toMatch(/^\s*balance roundrobin$/m);
    expect(haproxyCfg).toMatch(/^\s*option httpchk GET \/healthz$/m);
    expect(haproxyCfg).toMatch(/^\s*timeout tunnel 1h$/m);
    expect(haproxyCfg).not.toMatch(/^\s*(cookie|stick|hash-type|balance source)/m);
  });

  it('is a valid HAProxy configuration (haproxy -c)', () => {
    // Installed by .ci/run; the compose hosts do not resolve here, which HAProxy only warns about (init-addr none).
    const output = execFileSync('haproxy', ['-c', '-f', `${ROOT}deploy/haproxy.cfg`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(output).toContain('Configuration file is valid');
  });
});

describe('deploy/mongo-rs-init.js', () => {
  /** Runs the script against a stand-in of mongosh's `rs`; returns what it did. */
  function run(initiatedAlready: boolean, primaryAfter: number): { initiated: unknown[]; exit: number | undefined; printed: string[] } {
    const done = { initiated: [] as unknown[], exit: undefined as number | undefined, printed: [] as string[] };
    let isSet = initiatedAlready;
    let polls = 0;
    class Quit extends Error {}
    const rs = {
      status: () => {
        if (!isSet) throw Object.assign(new Error('no replset config has been received'), { code: 94 });
        polls++;
        return { members: [{ name: 'mongo1:27017', stateStr: polls > primaryAfter ? 'PRIMARY' : 'STARTUP2' }] };
      },
      initiate: (config: unknown) => {
        done.initiated.push(config);
        isSet = true;
      },
    };
    try {
      runInNewContext(initScript, { rs, print: (text: string) => done.printed.push(text), sleep: () => undefined, quit: (code: number) => { done.exit = code; throw new Quit(); } });
    } catch (error) {
      if (!(error instanceof Quit)) throw error;
    }
    return done;
  }

  it('initiates rs0 with the three members once, then waits for a primary', () => {
    const fresh = run(false, 3);
    expect(fresh.initiated).toEqual([{ _id: 'rs0', members: [{ _id: 0, host: 'mongo1:27017', priority: 2 }, { _id: 1, host: 'mongo2:27017', priority: 1 }, { _id: 2, host: 'mongo3:27017', priority: 1 }] }]);
    expect(fresh.exit).toBe(0);
    expect(fresh.printed.at(-1)).toBe('replica set rs0: primary mongo1:27017');
  });

  it('leaves an initiated set alone (a restart), and fails when no primary appears', () => {
    const again = run(true, 0);
    expect(again.initiated).toEqual([]);
    expect(again.exit).toBe(0);
    expect(run(true, 1_000).exit).toBe(1);
  });
});
