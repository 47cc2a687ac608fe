/**
 * The load balancer the operator runs for spec.expose.mode haproxy | nginx | apache, on the real
 * control plane (kube-apiserver + etcd + KCM + scheduler + kwok): the LB Deployment becomes
 * Ready (kwok pods), with its Service, PDB and ConfigMap (and per-node Services for nginx and
 * apache); a reconcile with nothing to change writes nothing; a config change and a renewed TLS
 * certificate roll the LB pods (new pod-template-hash); switching the mode to none prunes every
 * LB object; and the config the ConfigMap holds passes the real `haproxy -c -dr`, `nginx -t`,
 * `apache2 -t` (Debian packages) run with the Deployment's own command line, in-cluster paths
 * substituted by a temp dir.
 */
import { execFile, spawnSync } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ANNOTATION_LB_CONFIG_HASH,
  ANNOTATION_LB_TLS_HASH,
  LB_CONFIG_DIR,
  LB_RUN_DIR,
  LB_TLS_DIR,
} from '../../../src/manifests/index.js';
import { freePort } from '../../../src/gateway/local/processes.js';
import type { HttpKubeClient } from '../../../src/operator/runtime/kube/client.js';
import { RESOURCES } from '../../../src/operator/runtime/kube/resources.js';
import type { KubeObject } from '../../../src/operator/runtime/kube/types.js';
import { applyCrds, clusterHasNodes, useTestNamespace, waitFor } from '../../cluster/kube.js';
import type { RunningOperator } from './operator-support.js';
import {
  applyAsUser,
  chatService,
  condition,
  settle,
  sleep,
  startOperator,
  testClient,
} from './operator-support.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

const run = promisify(execFile);
const ns = useTestNamespace('operator-lb');
let client: HttpKubeClient;
let running: RunningOperator;
let work: string;

const MODES = ['haproxy', 'nginx', 'apache'] as const;
type Mode = (typeof MODES)[number];
const CONFIG_FILE: Record<Mode, string> = {
  haproxy: 'haproxy.cfg',
  nginx: 'nginx.conf',
  apache: 'httpd.conf',
};
const BINARY: Record<Mode, string> = { haproxy: 'haproxy', nginx: 'nginx', apache: 'apache2' };
const haveBinary = (b: string) => spawnSync('sh', ['-c', `command -v ${b}`]).status === 0;

/** A self-signed certificate as a kubernetes.io/tls Secret's data (PEM, base64). */
async function selfSigned(cn: string): Promise<{ crt: string; key: string }> {
  const dir = mkdtempSync(join(work, 'cert-'));
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '2',
    '-subj',
    `/CN=${cn}`,
    '-keyout',
    join(dir, 'tls.key'),
    '-out',
    join(dir, 'tls.crt'),
  ]);
  return {
    crt: readFileSync(join(dir, 'tls.crt')).toString('base64'),
    key: readFileSync(join(dir, 'tls.key')).toString('base64'),
  };
}

async function applyTlsSecret(cert: { crt: string; key: string }): Promise<void> {
  await applyAsUser(client, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'chat-tls', namespace: ns.name },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': cert.crt, 'tls.key': cert.key },
  } as KubeObject);
}

const csName = (mode: Mode) => `lb-${mode}`;
const lbName = (mode: Mode) => `${csName(mode)}-lb`;
const spec = (mode: Mode, expose: Record<string, unknown> = {}) =>
  chatService(ns.name, csName(mode), {
    expose: {
      mode,
      host: 'chat.example.com',
      tls: { secretName: 'chat-tls' },
      ...expose,
    } as Loose,
  });

const get = (type: (typeof RESOURCES)[keyof typeof RESOURCES], name: string) =>
  client.get<Loose>(type, ns.name, name);
const lbPods = async (mode: Mode): Promise<Loose[]> =>
  (
    await client.list<Loose>(RESOURCES.Pod, {
      namespace: ns.name,
      labelSelector: `app.kubernetes.io/component=load-balancer,app.kubernetes.io/instance=${csName(mode)}`,
    })
  ).items;

async function converged(name: string): Promise<KubeObject> {
  return waitFor(`ChatService ${name} to be reconciled`, async () => {
    const o = await client.get<Loose>(RESOURCES.ChatService, ns.name, name);
    return o &&
      o.status?.observedGeneration === o.metadata.generation &&
      condition(o, 'ConfigValid')
      ? (o as KubeObject)
      : undefined;
  });
}

/** The Deployment rolled out completely: every pod Ready and of the current template. */
async function rolledOut(mode: Mode, replicas = 2): Promise<{ dep: Loose; hash: string }> {
  return waitFor(
    `${lbName(mode)} rolled out`,
    async () => {
      const dep = await get(RESOURCES.Deployment, lbName(mode));
      const st = dep?.status;
      if (
        !dep ||
        st?.observedGeneration !== dep.metadata.generation ||
        st?.updatedReplicas !== replicas ||
        st?.readyReplicas !== replicas ||
        st?.replicas !== replicas
      )
        return undefined;
      const pods = (await lbPods(mode)).filter((p) => !p.metadata.deletionTimestamp);
      const hashes = new Set(pods.map((p) => p.metadata.labels['pod-template-hash']));
      if (pods.length !== replicas || hashes.size !== 1) return undefined;
      return { dep, hash: [...hashes][0] as string };
    },
    90_000,
    250,
  );
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'gms-operator-lb-'));
  await applyCrds(ns.kc);
  client = testClient(ns.kc);
  await applyTlsSecret(await selfSigned('chat.example.com'));
  running = await startOperator(ns.kc, ns.name);
});

afterAll(async () => {
  await running?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe.each(MODES)('expose.mode %s: the operator runs the load balancer', (mode) => {
  it('creates the ConfigMap, the Deployment (Ready), the Service and the PDB, owned by the ChatService', async () => {
    await applyAsUser(client, spec(mode));
    const cs = await converged(csName(mode));
    const uid = cs.metadata.uid;
    const owned = (o: Loose) =>
      expect(o?.metadata.ownerReferences?.[0]).toMatchObject({
        kind: 'ChatService',
        uid,
        controller: true,
      });
    const cm = await waitFor('the LB ConfigMap', () => get(RESOURCES.ConfigMap, lbName(mode)));
    owned(cm);
    expect(cm.data[CONFIG_FILE[mode]]).toContain('8443');
    const svc = await get(RESOURCES.Service, lbName(mode));
    owned(svc);
    expect(svc.spec.type).toBe('LoadBalancer');
    expect(svc.spec.ports.map((p: Loose) => [p.name, p.port])).toEqual([
      ['http', 80],
      ['https', 443],
    ]);
    const pdb = await get(RESOURCES.PodDisruptionBudget, lbName(mode));
    owned(pdb);
    expect(pdb.spec.maxUnavailable).toBe(1);
    const dep = await get(RESOURCES.Deployment, lbName(mode));
    owned(dep);
    const annotations = dep.spec.template.metadata.annotations;
    expect(annotations[ANNOTATION_LB_CONFIG_HASH]).toMatch(/^[0-9a-f]{16}$/);
    expect(annotations[ANNOTATION_LB_TLS_HASH]).toMatch(/^[0-9a-f]{16}$/);
    const nodeServices = (
      await client.list<Loose>(RESOURCES.Service, {
        namespace: ns.name,
        labelSelector: `gms.chatops.io/chatservice=${csName(mode)},app.kubernetes.io/component=load-balancer`,
      })
    ).items
      .map((s) => s.metadata.name)
      .filter((n: string) => n !== lbName(mode))
      .sort();
    expect(nodeServices).toEqual(
      mode === 'haproxy' ? [] : [`${csName(mode)}-node-0`, `${csName(mode)}-node-1`],
    );
    if (clusterHasNodes()) {
      const { hash } = await rolledOut(mode);
      expect(hash).toMatch(/^[0-9a-z]+$/);
      // The PDB sees the pods (disruption controller).
      await waitFor('the LB PDB to count the pods', async () => {
        const p = await get(RESOURCES.PodDisruptionBudget, lbName(mode));
        return p?.status?.currentHealthy === 2 && p.status.disruptionsAllowed === 1
          ? true
          : undefined;
      });
    }
  });

  it.runIf(haveBinary(BINARY[mode]))(
    `the rendered config passes the real ${BINARY[mode]} check, with the Deployment's command line`,
    async () => {
      const cm = await get(RESOURCES.ConfigMap, lbName(mode));
      const dep = await get(RESOURCES.Deployment, lbName(mode));
      const container = dep.spec.template.spec.containers[0];
      const root = mkdtempSync(join(work, `${mode}-`));
      const dirs = { conf: join(root, 'conf'), tls: join(root, 'tls'), run: join(root, 'run') };
      for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
      // The TLS Secret, with the items the Deployment mounts (HAProxy: tls.key as tls.crt.key).
      const secret = await get(RESOURCES.Secret, 'chat-tls');
      const tlsVolume = dep.spec.template.spec.volumes.find((v: Loose) => v.name === 'tls');
      for (const item of tlsVolume.secret.items)
        writeFileSync(join(dirs.tls, item.path), Buffer.from(secret.data[item.key], 'base64'));
      const subst = (s: string) =>
        s
          .replaceAll(LB_CONFIG_DIR, dirs.conf)
          .replaceAll(LB_TLS_DIR, dirs.tls)
          .replaceAll(LB_RUN_DIR, dirs.run)
          // the httpd image's module directory -> Debian's
          .replaceAll('/usr/local/apache2/modules', '/usr/lib/apache2/modules');
      let text = subst(cm.data[CONFIG_FILE[mode]] as string);
      if (mode === 'nginx') {
        // nginx resolves upstream names when it loads the file (domain/load-balancers.md §2.6)
        // and `-t` binds the listeners: loopback addresses and free ports for the check.
        text = text.replace(/[a-z0-9-]+\.[a-z0-9-]+\.svc\.cluster\.local/g, '127.0.0.1');
        for (const port of ['8080', '8443', '8081'])
          text = text.replaceAll(`listen ${port}`, `listen 127.0.0.1:${await freePort()}`);
      }
      writeFileSync(join(dirs.conf, CONFIG_FILE[mode]), text);
      const cmd: string[] = container.command.map(subst);
      const args =
        mode === 'haproxy'
          ? // -db (foreground) -> -c (check only) -dr (names that do not resolve here are fine)
            ['-c', '-dr', ...cmd.slice(1).filter((a) => a !== '-db')]
          : mode === 'nginx'
            ? ['-t', ...cmd.slice(1).filter((a, i, all) => a !== '-g' && all[i - 1] !== '-g')]
            : ['-t', ...cmd.slice(1).filter((a, i, all) => !(a === '-D' || all[i - 1] === '-D'))];
      expect(cmd[0]).toBe(mode === 'apache' ? 'httpd' : mode);
      // Output to a file, as in a container: nginx cannot open /dev/stdout (its access log)
      // when it is a socket, which Node's pipes are (docs/load-balancers.md).
      const log = join(root, 'check.log');
      const fd = openSync(log, 'w');
      const r = spawnSync(BINARY[mode], args, { stdio: ['ignore', fd, fd], timeout: 30_000 });
      closeSync(fd);
      const output = readFileSync(log, 'utf8');
      expect(output).not.toMatch(/\[emerg\]|\[ALERT\]|Syntax error|AH00526/);
      expect(r.status, `${BINARY[mode]} ${args.join(' ')}\n${output}`).toBe(0);
      if (mode === 'nginx') expect(output).toMatch(/test is successful/);
      if (mode === 'apache') expect(output).toMatch(/Syntax OK/);
      if (mode === 'haproxy') expect(output).toMatch(/Configuration file is valid/);
    },
  );

  it('a reconcile with nothing to change writes nothing', async () => {
    if (clusterHasNodes()) await rolledOut(mode);
    await settle(running, 2000);
    const writesBefore = running.writes().length;
    for (let i = 0; i < 3; i++) running.op.controller.enqueue(`${ns.name}/${csName(mode)}`);
    await sleep(1000);
    await settle(running);
    expect(running.writes().slice(writesBefore)).toEqual([]);
  });

  it('a config change rolls the LB pods (new config hash, new pod-template-hash)', async () => {
    const before = clusterHasNodes() ? (await rolledOut(mode)).hash : undefined;
    const oldConfigHash = (await get(RESOURCES.Deployment, lbName(mode))).spec.template.metadata
      .annotations[ANNOTATION_LB_CONFIG_HASH];
    await applyAsUser(client, spec(mode, { cookieName: 'GMSLB' }));
    const dep = await waitFor('a new config hash on the pod template', async () => {
      const d = await get(RESOURCES.Deployment, lbName(mode));
      const h = d?.spec.template.metadata.annotations[ANNOTATION_LB_CONFIG_HASH];
      return h && h !== oldConfigHash ? d : undefined;
    });
    expect((await get(RESOURCES.ConfigMap, lbName(mode))).data[CONFIG_FILE[mode]]).toContain(
      'GMSLB',
    );
    expect(dep.metadata.generation).toBeGreaterThan(1);
    if (clusterHasNodes()) {
      const after = await rolledOut(mode);
      expect(after.hash).not.toBe(before);
    }
  });

  if (mode === 'haproxy') {
    it('a renewed TLS certificate rolls the LB pods', async () => {
      const before = clusterHasNodes() ? (await rolledOut(mode)).hash : undefined;
      const oldTls = (await get(RESOURCES.Deployment, lbName(mode))).spec.template.metadata
        .annotations[ANNOTATION_LB_TLS_HASH];
      await applyTlsSecret(await selfSigned('chat.example.com'));
      await waitFor('a new TLS hash on the pod template', async () => {
        const d = await get(RESOURCES.Deployment, lbName(mode));
        const h = d?.spec.template.metadata.annotations[ANNOTATION_LB_TLS_HASH];
        return h && h !== oldTls ? true : undefined;
      });
      if (clusterHasNodes()) expect((await rolledOut(mode)).hash).not.toBe(before);
    });
  }

  if (mode === 'haproxy') {
    it('switching haproxy -> apache replaces config, image and backends (the old key is gone)', async () => {
      await applyAsUser(client, spec(mode, { mode: 'apache' }));
      // Server-side apply drops the haproxy.cfg key the operator no longer sets.
      const cm = await waitFor('the apache config in place of the HAProxy one', async () => {
        const c = await get(RESOURCES.ConfigMap, lbName(mode));
        return c?.data?.['httpd.conf'] && !('haproxy.cfg' in c.data) ? c : undefined;
      });
      expect(cm.metadata.annotations['gms.chatops.io/load-balancer']).toBe('apache');
      // The ConfigMap and the Deployment are two applies of one reconcile: wait for the second.
      const dep = await waitFor('the apache Deployment', async () => {
        const d = await get(RESOURCES.Deployment, lbName(mode));
        return d?.spec.template.spec.containers[0].image === 'httpd:2.4' ? d : undefined;
      });
      expect(dep.spec.template.spec.containers[0].image).toBe('httpd:2.4');
      expect(dep.spec.template.spec.securityContext.runAsUser).toBe(33);
      await waitFor('the per-node Services', async () =>
        (await get(RESOURCES.Service, `${csName(mode)}-node-1`)) ? true : undefined,
      );
      if (clusterHasNodes()) await rolledOut(mode);
    });
  }

  it('expose.mode none prunes every LB object; the GMS objects stay', async () => {
    await applyAsUser(client, spec(mode, { mode: 'none' }));
    await waitFor(
      'the LB objects to be gone',
      async () => {
        const left = (
          await Promise.all([
            get(RESOURCES.Deployment, lbName(mode)),
            get(RESOURCES.Service, lbName(mode)),
            get(RESOURCES.PodDisruptionBudget, lbName(mode)),
            get(RESOURCES.ConfigMap, lbName(mode)),
            get(RESOURCES.Service, `${csName(mode)}-node-0`),
            get(RESOURCES.Service, `${csName(mode)}-node-1`),
          ])
        ).filter((o) => o !== undefined);
        return left.length === 0 ? true : undefined;
      },
      60_000,
    );
    for (const [type, name] of [
      [RESOURCES.StatefulSet, csName(mode)],
      [RESOURCES.Service, csName(mode)],
      [RESOURCES.Service, `${csName(mode)}-nodes`],
      [RESOURCES.PodDisruptionBudget, csName(mode)],
    ] as const)
      expect(await get(type, name), `${type.kind}/${name}`).toBeDefined();
    if (clusterHasNodes())
      await waitFor('the LB pods to be garbage-collected', async () =>
        (await lbPods(mode)).length === 0 ? true : undefined,
      );
  });
});

describe.runIf(clusterHasNodes())('Ready waits for the load balancer the operator runs', () => {
  const name = 'lb-ready';
  const withLb = (expose: Record<string, unknown> = {}) =>
    chatService(ns.name, name, {
      expose: { mode: 'haproxy', host: 'chat.example.com', ...expose } as Loose,
    });
  const readyCondition = async () =>
    condition(await client.get<Loose>(RESOURCES.ChatService, ns.name, name), 'Ready');

  it('is False (LoadBalancerNotReady) while no LB pod can run, though every GMS node is Ready; True once they are', async () => {
    // More CPU than a kwok node has: the LB pods stay Pending, the GMS pods become Ready.
    await applyAsUser(client, withLb({ resources: { requests: { cpu: '1000' } } }));
    const notReady = await waitFor(
      'Ready=False, reason LoadBalancerNotReady',
      async () => {
        const c = await readyCondition();
        return c?.reason === 'LoadBalancerNotReady' ? c : undefined;
      },
      90_000,
      250,
    );
    expect(notReady.status).toBe('False');
    expect(notReady.message).toMatch(
      new RegExp(
        `^2/2 GMS nodes are Ready, but the load balancer is not: Deployment ${name}-lb has 0/2 Ready pods`,
      ),
    );
    const dep = await get(RESOURCES.Deployment, `${name}-lb`);
    expect(dep.status?.readyReplicas ?? 0).toBe(0);

    await applyAsUser(client, withLb());
    const ready = await waitFor(
      'Ready=True',
      async () => {
        const c = await readyCondition();
        return c?.status === 'True' ? c : undefined;
      },
      90_000,
      250,
    );
    expect(ready).toMatchObject({
      reason: 'NodesReady',
      message: `2/2 GMS nodes are Ready; load balancer ${name}-lb is Ready (2 pods)`,
    });
    await client.delete(RESOURCES.ChatService, ns.name, name);
  });
});
