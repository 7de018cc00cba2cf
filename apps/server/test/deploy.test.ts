// The scale-out's operations files, checked without Docker: compose.yaml sets only variables the server reads, with
// values its configuration accepts (all but the store engine still being built), and its services, ports, health
// checks and credentials line up with each other and with deploy/haproxy.cfg; Debian's HAProxy accepts that file,
// and, run in front of two real server processes, passes HTTP and a WebSocket subscription through, and keeps
// answering when one of them stops.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeClient, createClient, type TweetChange } from '@tweetstore/client';
import { configVariables, loadConfig } from '../src/config.ts';
import { startServerProcess, startSignal, tempDataDir, type ServerProcess } from './harness.ts';
import { freePort } from './redis-server.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const HAPROXY = '/usr/sbin/haproxy';
const INSTALL_HAPROXY = 'apt-get update && apt-get install -y haproxy';

interface Service {
  image?: string;
  build?: string;
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  volumes?: string[];
  entrypoint?: string[];
  networks?: string[] | Record<string, { ipv4_address?: string }>;
}
interface Compose {
  services: Record<string, Service>;
  networks: Record<string, { ipam: { config: { subnet: string }[] } }>;
}

const compose = yaml.load(await readFile(path.join(root, 'compose.yaml'), 'utf8')) as Compose;
const haproxyCfg = await readFile(path.join(root, 'deploy/haproxy.cfg'), 'utf8');
const servers = Object.entries(compose.services).filter(([, service]) => service.build === '.');
const serverEnv = servers[0]![1].environment!;

/** The lines of a section of haproxy.cfg (`frontend tweetstore`, `backend instances`), trimmed, comments left out. */
function cfgSection(header: string): string[] {
  const lines = haproxyCfg.split('\n');
  const start = lines.findIndex((line) => line.trim() === header);
  expect(start, `haproxy.cfg has no "${header}"`).toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((line, i) => i > start && /^\S/.test(line));
  return lines.slice(start + 1, end === -1 ? undefined : end).map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
}

describe('compose.yaml', () => {
  it('runs two identical server instances of the image, behind HAProxy, on PostgreSQL 15, Redis 7 and MinIO', () => {
    expect(servers.map(([name]) => name)).toEqual(['server-1', 'server-2']);
    // the same but for the host name, which names each on the dashboard (TWEETSTORE_INSTANCE_ID's default)
    const { hostname: first, ...one } = servers[0]![1] as { hostname?: string };
    const { hostname: second, ...other } = servers[1]![1] as { hostname?: string };
    expect([first, second]).toEqual(['server-1', 'server-2']);
    expect(other).toEqual(one);
    expect(compose.services.postgres!.image).toBe('postgres:15');
    expect(compose.services.redis!.image).toBe('redis:7');
    expect(compose.services.minio!.image).toMatch(/^minio\/minio:RELEASE\./);
    expect(compose.services.haproxy!.volumes).toContain('./deploy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro');
    expect(existsSync(path.join(root, 'Dockerfile'))).toBe(true);
  });

  it('sets only variables the server reads, with values its configuration accepts', () => {
    const set = Object.keys(serverEnv).filter((name) => name.startsWith('TWEETSTORE_') || name.startsWith('AWS_ACCESS') || name.startsWith('AWS_SECRET'));
    expect(set.filter((name) => !configVariables.includes(name))).toEqual([]);
    const config = loadConfig(serverEnv);
    expect(config).toMatchObject({
      store: 'postgres',
      port: 3000,
      host: '0.0.0.0',
      blobs: { engine: 's3', endpoint: 'http://minio:9000', bucket: 'tweetstore-media', credentials: { accessKeyId: expect.any(String) } },
      redis: { url: 'redis://redis:6379/0' },
    });
    expect(config.databaseUrl).toMatch(/^postgres:\/\//);
  });

  it('points the servers at the services with the services\' own names, ports and credentials', () => {
    const { postgres, minio, bucket, haproxy } = compose.services;
    const database = new URL(serverEnv.TWEETSTORE_DATABASE_URL!);
    expect([database.hostname, database.port, database.username, database.password, database.pathname]).toEqual([
      'postgres', '5432', postgres!.environment!.POSTGRES_USER, postgres!.environment!.POSTGRES_PASSWORD, `/${postgres!.environment!.POSTGRES_DB}`,
    ]);
    expect(new URL(serverEnv.TWEETSTORE_REDIS_URL!).hostname).toBe('redis');
    const s3 = new URL(serverEnv.TWEETSTORE_S3_ENDPOINT!);
    expect([s3.hostname, s3.port]).toEqual(['minio', '9000']);
    expect([serverEnv.AWS_ACCESS_KEY_ID, serverEnv.AWS_SECRET_ACCESS_KEY]).toEqual([minio!.environment!.MINIO_ROOT_USER, minio!.environment!.MINIO_ROOT_PASSWORD]);
    // the one-shot makes the bucket the servers use, on the same MinIO
    expect(bucket!.entrypoint!.join(' ')).toContain(`mc mb --ignore-existing local/${serverEnv.TWEETSTORE_S3_BUCKET}`);
    expect(bucket!.entrypoint!.join(' ')).toContain('http://minio:9000');
    expect(bucket!.environment).toEqual({ MINIO_ROOT_USER: minio!.environment!.MINIO_ROOT_USER, MINIO_ROOT_PASSWORD: minio!.environment!.MINIO_ROOT_PASSWORD });
    // X-Forwarded-For is believed from HAProxy's fixed address alone, which is in the network's subnet
    const lbAddress = (haproxy!.networks as Record<string, { ipv4_address: string }>).backend!.ipv4_address;
    expect(serverEnv.TWEETSTORE_TRUSTED_PROXIES).toBe(lbAddress);
    const subnet = compose.networks.backend!.ipam.config[0]!.subnet;
    expect(lbAddress.split('.').slice(0, 3)).toEqual(subnet.split('.').slice(0, 3));
  });

  it('starts each service after those it needs are healthy, each of those with a health check', () => {
    for (const [name, service] of servers) {
      expect(service.depends_on, name).toEqual({
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
        minio: { condition: 'service_healthy' },
        bucket: { condition: 'service_completed_successfully' },
      });
    }
    expect(compose.services.haproxy!.depends_on).toEqual(Object.fromEntries(servers.map(([name]) => [name, { condition: 'service_healthy' }])));
    expect(compose.services.bucket!.depends_on).toEqual({ minio: { condition: 'service_healthy' } });
    for (const [name, service] of Object.entries(compose.services)) {
      const needed = Object.entries(service.depends_on ?? {}).filter(([, { condition }]) => condition === 'service_healthy');
      for (const [dependency] of needed) expect(compose.services[dependency]!.healthcheck?.test, `${name} waits for ${dependency}'s health`).toBeDefined();
    }
  });

  it('lines up ports and health checks: the servers\' port and /readyz in their health check, in HAProxy\'s servers and in its check', () => {
    const port = serverEnv.TWEETSTORE_PORT!;
    const serverCheck = servers[0]![1].healthcheck!.test.join(' ');
    expect(serverCheck).toContain(`http://127.0.0.1:${port}/readyz`);
    const backend = cfgSection('backend instances');
    expect(backend).toContain('http-check send meth GET uri /readyz');
    expect(backend).toContain('http-check expect status 200');
    const serverLines = backend.filter((line) => line.startsWith('server '));
    expect(serverLines).toEqual(servers.map(([name]) => `server ${name} ${name}:${port} check`));
    const bind = cfgSection('frontend tweetstore').find((line) => line.startsWith('bind '));
    expect(bind).toBe('bind :3000');
    expect(compose.services.haproxy!.ports).toEqual(['3000:3000']);
  });
});

const haproxyMissing = !existsSync(HAPROXY);
if (haproxyMissing) console.warn(`HAProxy is not installed: the tests of deploy/haproxy.cfg are skipped (install it: ${INSTALL_HAPROXY})`);

describe.skipIf(haproxyMissing)(`deploy/haproxy.cfg with Debian's HAProxy (${INSTALL_HAPROXY})`, () => {
  it('is a valid configuration', async () => {
    const { stdout, stderr } = await promisify(execFile)(HAPROXY, ['-c', '-f', path.join(root, 'deploy/haproxy.cfg')]);
    expect(stdout + stderr).toContain('Configuration file is valid');
  });

  describe('in front of two real server processes', () => {
    const started: { server: ServerProcess; remove(): Promise<void> }[] = [];
    let lb: ChildProcess;
    let lbOutput = '';
    let lbUrl: string;
    let cfgDir: string;

    beforeAll(async () => {
      for (let i = 0; i < 2; i++) {
        const data = await tempDataDir();
        started.push({ server: await startServerProcess(data.dir, { TWEETSTORE_TRUSTED_PROXIES: '127.0.0.1' }), remove: data.remove });
      }
      // the same file, its addresses those of this machine's processes
      const port = await freePort();
      let cfg = haproxyCfg.replace(/^( {2}bind ):3000$/m, `$1127.0.0.1:${port}`);
      started.forEach(({ server }, i) => (cfg = cfg.replace(`server-${i + 1}:3000`, new URL(server.url).host)));
      expect(cfg).not.toMatch(/server-\d:3000|bind :3000/);
      cfgDir = await mkdtemp(path.join(tmpdir(), 'tweetstore-haproxy-'));
      await writeFile(path.join(cfgDir, 'haproxy.cfg'), cfg);
      lb = spawn(HAPROXY, ['-db', '-f', path.join(cfgDir, 'haproxy.cfg')], { stdio: ['ignore', 'pipe', 'pipe'] });
      lb.stdout!.on('data', (chunk: Buffer) => (lbOutput += chunk.toString()));
      lb.stderr!.on('data', (chunk: Buffer) => (lbOutput += chunk.toString()));
      lbUrl = `http://127.0.0.1:${port}`;
      // both instances up in HAProxy's checks: every answer through it is a 200
      for (let i = 0; ; i++) {
        const ok = await fetch(`${lbUrl}/readyz`).then((res) => res.ok, () => false);
        if (ok && (await Promise.all([1, 2, 3, 4].map(() => fetch(`${lbUrl}/readyz`).then((res) => res.ok, () => false)))).every(Boolean)) break;
        if (i === 100 || lb.exitCode !== null) throw new Error(`HAProxy does not answer:\n${lbOutput}`);
        await sleep(100);
      }
    });
    afterAll(async () => {
      lb?.kill('SIGTERM');
      for (const { server, remove } of started) {
        if (server.process.exitCode === null && server.process.signalCode === null) expect(await server.kill('SIGTERM')).toBe(0);
        await remove();
      }
      if (cfgDir) await rm(cfgDir, { recursive: true, force: true });
    });

    const healthCalls = async (server: ServerProcess) => {
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      return Number(/^tweetstore_calls_total\{path="system\.health",type="query",code="OK"\} (\d+)$/m.exec(metrics)?.[1] ?? 0);
    };

    it('passes HTTP calls through to both instances, and WebSocket subscriptions with their events', async () => {
      for (let i = 0; i < 10; i++) expect((await fetch(`${lbUrl}/trpc/system.health`)).status).toBe(200);
      const counts = await Promise.all(started.map(({ server }) => healthCalls(server)));
      expect(counts.every((n) => n > 0), `calls per instance: ${counts}`).toBe(true);
      expect(counts.reduce((a, b) => a + b)).toBe(10);

      // a subscription through HAProxy lands on one instance (each of these has a store of its own): a post made on
      // each instance directly reaches it once, from the instance it is on
      const watcher = createClient({ url: lbUrl });
      const seen: { id: string; data: TweetChange }[] = [];
      const start = startSignal();
      const sub = watcher.tweet.onChange.subscribe({}, { onStarted: start.onStarted, onData: (event) => seen.push(event) });
      await start.started;
      const posted = [];
      for (const { server } of started) {
        const anon = createClient({ url: server.url });
        const { token } = await anon.auth.register.mutate({ username: 'balanced', password: 'balanced-password' });
        const author = createClient({ url: server.url, token });
        posted.push(await author.tweet.create.mutate({ content: 'through the load balancer' }));
        await Promise.all([anon, author].map(closeClient));
      }
      await expect.poll(() => seen.length).toBe(1);
      expect(posted.map((tweet) => tweet.id)).toContain((seen[0]!.data as { id: string }).id);
      expect(seen[0]!.data.type).toBe('created');
      sub.unsubscribe();
      await closeClient(watcher);
    });

    it('keeps answering when one instance stops', async () => {
      expect(await started[0]!.server.kill('SIGTERM')).toBe(0);
      const before = await healthCalls(started[1]!.server);
      const answers = [];
      for (let i = 0; i < 10; i++) answers.push((await fetch(`${lbUrl}/trpc/system.health`)).status);
      expect(answers).toEqual(Array(10).fill(200));
      expect(await healthCalls(started[1]!.server)).toBe(before + 10);
    });
  });
});
