/**
 * The generated CRDs (crds/*.yaml, from src/api + src/catalog) on a real kube-apiserver:
 * structural schemas accepted, CEL rules enforced (those of the expose-mode rule worded as
 * `gmsctl validate` words them), status and scale subresources, printer
 * columns, short names and the `gms` category, `kubectl explain` showing the catalog's
 * descriptions, and the examples: every file in examples/ passes a server-side dry-run and
 * every bad example the API server is meant to catch fails with a readable message.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { ApiextensionsV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';

import { findOption } from '../../../src/catalog/index.js';
import { validateTexts } from '../../../src/validate/index.js';
import {
  REPO_ROOT,
  applyCrds,
  createTestNamespace,
  deleteNamespace,
  kubectl,
  kubectlOk,
  useTestNamespace,
  type ExecResult,
} from '../../cluster/kube.js';

const GROUP = 'gms.chatops.io';
const VERSION = 'v1alpha1';

const ns = useTestNamespace('crds');

type Obj = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
};

/** A small valid ChatService; tests derive invalid ones from it. */
function chatService(name: string, spec: Record<string, unknown> = {}): Obj {
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'ChatService',
    metadata: { name, namespace: ns.name },
    spec: {
      gms: { version: '8.5.219.03', image: 'registry.example.com/gms:8.5.219.03', replicas: 2 },
      chatServer: {
        version: '8.5.108.02',
        endpoints: [{ name: 'cs-1', host: 'chat-1.example.svc', port: 4125 }],
      },
      chat: { enable_notification_mode: true },
      ...spec,
    },
  };
}

function pushProvider(name: string, spec: Record<string, unknown> = {}): Obj {
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'PushProvider',
    metadata: { name, namespace: ns.name },
    spec: { type: 'fcm', fcm: { apiKeySecretRef: { name: 'fcm', key: 'apiKey' } }, ...spec },
  };
}

/** `kubectl apply --server-side --dry-run=server` with strict field validation. */
function dryRun(objs: Obj[]): Promise<ExecResult> {
  return kubectl(
    [
      'apply',
      '--server-side',
      '--dry-run=server',
      '--field-manager=gms-tests',
      '--validate=strict',
      '-f',
      '-',
    ],
    objs.map((o) => JSON.stringify(o)).join('\n'),
  );
}

/** Expects the API server to refuse `obj` with a one-line, field-naming message. */
async function expectRejected(obj: Obj, field: string, message: RegExp): Promise<string> {
  const r = await dryRun([obj]);
  expect(r.code, `expected a rejection, got: ${r.stdout}`).not.toBe(0);
  const err = r.stderr.trim();
  expect(err).toContain(`${obj.kind} "${obj.metadata.name}" is invalid`);
  expect(err).toContain(field);
  expect(err).toMatch(message);
  expect(err).not.toMatch(/panic|goroutine|at .*\.go:\d+/); // readable, no trace
  return err;
}

async function expectAccepted(...objs: Obj[]): Promise<void> {
  const r = await dryRun(objs);
  expect(r.code, r.stderr).toBe(0);
}

beforeAll(async () => {
  await applyCrds(ns.kc);
});

describe('CRDs', () => {
  it('are accepted as structural schemas: Established, names accepted, no NonStructuralSchema', async () => {
    const api = ns.kc.makeApiClient(ApiextensionsV1Api);
    for (const name of [`chatservices.${GROUP}`, `pushproviders.${GROUP}`]) {
      const crd = await api.readCustomResourceDefinition({ name });
      const conditions = Object.fromEntries(
        (crd.status?.conditions ?? []).map((c) => [c.type, c.status]),
      );
      expect(conditions, name).toMatchObject({ Established: 'True', NamesAccepted: 'True' });
      expect(
        conditions.NonStructuralSchema,
        `${name}: ${JSON.stringify(crd.status?.conditions)}`,
      ).toBeUndefined();
      expect(crd.status?.acceptedNames?.categories).toEqual(['gms']);
    }
  });

  it('register short names and the gms category (kubectl api-resources)', async () => {
    const out = await kubectlOk([
      'api-resources',
      `--api-group=${GROUP}`,
      '-o',
      'wide',
      '--no-headers',
    ]);
    const rows = Object.fromEntries(
      out
        .trim()
        .split('\n')
        .map((l) => l.trim().split(/\s+/))
        .map((cols) => [cols[0], cols]),
    );
    expect(rows.chatservices).toBeDefined();
    expect(rows.pushproviders).toBeDefined();
    const csLine = out.split('\n').find((l) => l.startsWith('chatservices'))!;
    const ppLine = out.split('\n').find((l) => l.startsWith('pushproviders'))!;
    expect(csLine).toMatch(/\bchatsvc\b/);
    expect(csLine).toMatch(/\bgms\b/); // category column
    expect(csLine).toMatch(/\btrue\b/); // namespaced
    expect(ppLine).toMatch(/\bpushprov\b/);
    expect(ppLine).toMatch(/\bgms\b/);
  });
});

describe('CEL and schema rules (server-side dry-run)', () => {
  it('accepts a minimal valid ChatService and PushProvider', async () => {
    await expectAccepted(chatService('valid'), pushProvider('fcmprod'));
  });

  it('rejects enable_notification_mode under spec.options (it belongs to [chat] only)', async () => {
    const cs = chatService('misplaced', { options: { enable_notification_mode: true } });
    await expectRejected(
      cs,
      'spec.options.enable_notification_mode',
      /defined in the chat section only/,
    );
    // The same option in spec.chat is the documented place.
    await expectAccepted(chatService('placed', { chat: { enable_notification_mode: 'true' } }));
  });

  it('rejects a serviceName that cannot be a [chat.<name>] section or CometD channel', async () => {
    for (const bad of ['customer.support', 'has space', 'semi;colon', 'x'.repeat(64), '-leading']) {
      await expectRejected(
        chatService('svc', { serviceName: bad }),
        'spec.serviceName',
        /should match|Too long|must have at most/,
      );
    }
    await expectAccepted(chatService('svc', { serviceName: 'Customer_Support-2' }));
  });

  it('rejects a ChatService name that cannot name its StatefulSet and Services (DNS-1035, at most 52)', async () => {
    // Valid Kubernetes object names, but not as the name of a StatefulSet whose pods carry a
    // controller-revision-hash label of name + 11 characters, nor of a Service.
    for (const bad of ['support.v2', '2nd-line', 'a'.repeat(53)]) {
      await expectRejected(
        chatService(bad, { serviceName: 'support' }),
        'ChatService name must be a DNS-1035 label',
        /at most 52 characters/,
      );
    }
    await expectAccepted(chatService('a'.repeat(52)));
  });

  it('rejects PushProvider names that are not short letters-and-digits', async () => {
    await expectRejected(
      pushProvider('fcm-prod'),
      'PushProvider name must be short',
      /letters and digits only/,
    );
    await expectRejected(
      pushProvider(`fcm${'a'.repeat(30)}`),
      'PushProvider name must be short',
      /at most 32/,
    );
    await expectAccepted(pushProvider(`fcm${'a'.repeat(29)}`));
  });

  it('rejects an unknown rollout strategy and lists the supported ones', async () => {
    const err = await expectRejected(
      chatService('rolling', { rollout: { strategy: 'RollingUpdate' } }),
      'spec.rollout.strategy',
      /Unsupported value: "RollingUpdate"/,
    );
    expect(err).toContain('"DetachReattach"');
    expect(err).toContain('"Offline"');
    await expectAccepted(
      chatService('rolling', { rollout: { strategy: 'Offline', podReadyTimeout: '10m' } }),
    );
  });

  it('rejects inline credentials in option maps (Secrets only)', async () => {
    await expectRejected(
      chatService('inline', { push: { options: { 'fcm.apiKey': 'AAAA' } } }),
      'spec.push.options',
      /fcm\.apiKey is a credential/,
    );
    await expectRejected(
      chatService('inline', { options: { 'auth.basic.password': 'secret' } }),
      'spec.options',
      /auth\.basic\.password is a credential/,
    );
    await expectRejected(
      pushProvider('inline', { options: { 'fcm.apiKey': 'AAAA' } }),
      'spec.options',
      /fcm\.apiKey is a credential/,
    );
  });

  it('rejects a PushProvider whose type does not match its provider block', async () => {
    await expectRejected(
      pushProvider('mismatch', { type: 'apple' }),
      'spec',
      /spec\.type must match the provider block/,
    );
  });

  it('checks typed option values at admission (range, list members, enums)', async () => {
    await expectRejected(
      chatService('range', { push: { options: { defaultSubscriptionExpiration: 10 } } }),
      'spec.push.options.defaultSubscriptionExpiration',
      /integer in 30\.\.inf seconds/,
    );
    await expectAccepted(
      chatService('range', { push: { options: { defaultSubscriptionExpiration: '60' } } }),
    );
    await expectRejected(
      chatService('pushenabled', { push: { enabled: ['comet', 'pager'] } }),
      'spec.push.enabled[1]',
      /Unsupported value: "pager"/,
    );
    await expectRejected(
      chatService('expose', { expose: { mode: 'traefik' } }),
      'spec.expose.mode',
      /Unsupported value: "traefik"/,
    );
  });

  it('rejects unknown fields outside the option maps (no silent pruning of typos)', async () => {
    const r = await dryRun([chatService('typo', { rolout: { strategy: 'Offline' } })]);
    expect(r.code).not.toBe(0);
    // Server-side apply reports it as a field the schema does not declare.
    expect(r.stderr).toMatch(
      /\.spec\.rolout: field not declared in schema|unknown field "spec\.rolout"/,
    );
  });

  it('accepts [gms] options in spec.gms.options and other sections in spec.sections', async () => {
    await expectAccepted(
      chatService('sections', {
        gms: {
          version: '8.5.219.03',
          options: {
            'http.ssl_trust_all': true,
            'http.connection_timeout': 20,
            'http.socket_timeout': '30',
            'http.proxy-auto-config-file': 'https://proxy.example.com/proxy.pac',
          },
        },
        sections: {
          log: { verbose: 'debug', 'all.rotate': true },
          server: { port: 8080 },
          'service.request-chat': { _chat_endpoint: 'Environment:default', _type: 'builtin' },
          resources: {},
          'endpoints:1': { default: 'queue' },
        },
      }),
    );
  });

  it('types spec.gms.options from the catalog', async () => {
    await expectRejected(
      chatService('gmsopts', {
        gms: { version: '8.5.219.03', options: { 'http.socket_timeout': 'ten' } },
      }),
      'spec.gms.options.http.socket_timeout',
      /http\.socket_timeout must be an integer/,
    );
    await expectRejected(
      chatService('gmsopts', {
        gms: { version: '8.5.219.03', options: { 'http.proxy-auto-config-file': 'ftp://x y' } },
      }),
      'spec.gms.options.http.proxy-auto-config-file',
      /should match/,
    );
  });

  it('refuses spec.sections for sections with a dedicated field, naming the field', async () => {
    // The API server prints a map key as `.[key]` (the CEL fieldPath is `.chat`).
    const cases: [string, string, RegExp][] = [
      [
        'chat',
        'spec.sections.[chat]: Forbidden',
        /\[chat\] is written from spec\.chat, not spec\.sections/,
      ],
      ['push', 'spec.sections.[push]: Forbidden', /\[push\] is written from spec\.push/],
      ['gms', 'spec.sections.[gms]: Forbidden', /\[gms\] is written from spec\.gms\.options/],
      [
        'connections',
        'spec.sections.[connections]: Forbidden',
        /\[connections\] is written from spec\.chatServer\.endpoints/,
      ],
      [
        'chat.support',
        'spec.sections: Forbidden',
        /\[chat\.<service>\] is written from spec\.options/,
      ],
      [
        'push.provider.fcmprod',
        'spec.sections: Forbidden',
        /\[push\.provider\.<name>\] is written from a PushProvider/,
      ],
    ];
    for (const [section, field, message] of cases) {
      await expectRejected(
        chatService('dedicated', { sections: { [section]: { x: '1' } } }),
        field,
        message,
      );
    }
  });

  it('refuses spec.sections names the INI serializer would not write', async () => {
    for (const bad of [
      'has space',
      'semi;colon',
      'log]',
      'a..b',
      '.log',
      'x'.repeat(201),
      'new\nline',
    ]) {
      await expectRejected(
        chatService('badsection', { sections: { [bad]: {} } }),
        'spec.sections',
        /spec\.sections keys must be GMS section names/,
      );
    }
    const many = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`s${i}`, {}]));
    await expectRejected(
      chatService('toomany', { sections: many }),
      'spec.sections',
      /must have at most 64 items|Too many/,
    );
  });

  describe('expose-mode: its context-free error checks are CEL rules, worded as gmsctl words them', () => {
    /** The error messages `gmsctl validate` (rule expose-mode) gives for `obj`. */
    async function exposeModeErrors(obj: Obj): Promise<string[]> {
      const r = await validateTexts([{ file: 'cs.json', text: JSON.stringify(obj) }]);
      return r.diagnostics
        .filter((d) => d.rule === 'expose-mode' && d.severity === 'error')
        .map((d) => d.message);
    }
    const gms = (replicas: number) => ({
      version: '8.5.219.03',
      image: 'registry.example.com/gms:8.5.219.03',
      replicas,
    });
    type Case = {
      check: string;
      bad: Record<string, unknown>[];
      good: Record<string, unknown>[];
      /** Where the API server reports it, as its error says. */
      field: RegExp;
    };
    const cases: Case[] = [
      {
        check: 'mode gateway-api needs spec.expose.gateway',
        bad: [{ expose: { mode: 'gateway-api', host: 'chat.example.com' } }],
        good: [
          { expose: { mode: 'gateway-api', gateway: { name: 'public-gw' } } },
          { expose: { mode: 'haproxy', host: 'chat.example.com' } },
        ],
        field: /spec\.expose\.gateway: Required value: /,
      },
      {
        check: 'affinity source-ip not with apache or gateway-api',
        bad: [
          { expose: { mode: 'apache', affinity: 'source-ip' } },
          { expose: { mode: 'gateway-api', gateway: { name: 'gw' }, affinity: 'source-ip' } },
        ],
        good: [
          { expose: { mode: 'apache', affinity: 'cookie' } },
          { expose: { mode: 'gateway-api', gateway: { name: 'gw' }, affinity: 'cookie' } },
          { expose: { mode: 'haproxy', affinity: 'source-ip' } },
          { expose: { mode: 'ingress-nginx', affinity: 'source-ip' } },
          { expose: { affinity: 'source-ip' } },
        ],
        field: /spec\.expose\.affinity: Invalid value: /,
      },
      {
        check: 'cookieName not BAYEUX_BROWSER or JSESSIONID, any case, any mode',
        bad: [
          { expose: { mode: 'haproxy', cookieName: 'JSESSIONID' } },
          { expose: { mode: 'nginx', cookieName: 'bayeux_browser' } },
          { expose: { cookieName: 'JSessionId' } },
        ],
        good: [
          { expose: { mode: 'haproxy', cookieName: 'GMSROUTE' } },
          { expose: { mode: 'nginx', cookieName: 'JSESSIONID2' } },
        ],
        field: /spec\.expose\.cookieName: Invalid value: /,
      },
      {
        check: 'spec.expose.host in lower case, any mode',
        bad: [
          { expose: { mode: 'ingress-nginx', host: 'Chat.Example.com' } },
          { expose: { host: 'CHAT.example.com' } },
        ],
        good: [{ expose: { mode: 'ingress-nginx', host: 'chat.example.com' } }],
        field: /spec\.expose\.host: Invalid value: /,
      },
      {
        check: 'spec.gms.replicas 0 not with a load balancer the operator runs',
        bad: ['nginx', 'haproxy', 'apache'].map((mode) => ({
          gms: gms(0),
          expose: { mode },
        })),
        good: [
          { gms: gms(1), expose: { mode: 'nginx' } },
          { gms: gms(0), expose: { mode: 'ingress-nginx' } },
          { gms: gms(0), expose: { mode: 'none' } },
          { gms: gms(0), expose: { host: 'chat.example.com' } },
          { gms: gms(0) },
        ],
        field: /spec\.gms\.replicas: Invalid value: /,
      },
    ];

    it.each(cases)('$check', async ({ bad, good, field }) => {
      for (const spec of bad) {
        const obj = chatService('expose', spec);
        const gmsctl = await exposeModeErrors(obj);
        expect(gmsctl, `gmsctl validate on ${JSON.stringify(spec)}`).toHaveLength(1);
        const err = await expectRejected(obj, 'spec.', field);
        // The API server says what gmsctl and the webhook say, word for word.
        expect(err).toContain(gmsctl[0]);
      }
      for (const spec of good) {
        const obj = chatService('expose', spec);
        expect(await exposeModeErrors(obj), JSON.stringify(spec)).toEqual([]);
        await expectAccepted(obj);
      }
    });

    it('refuses kubectl scale --replicas=0 of a ChatService whose load balancer the operator runs', async () => {
      const name = 'scaled-lb';
      const inNs = ['chatservice', name, '-n', ns.name];
      await kubectlOk(
        ['apply', '-f', '-'],
        JSON.stringify(chatService(name, { expose: { mode: 'haproxy' } })),
      );
      try {
        // The scale subresource writes spec.gms.replicas: the spec's CEL rules apply to it.
        const r = await kubectl(['scale', ...inNs, '--replicas=0']);
        expect(r.code, r.stdout).not.toBe(0);
        expect(r.stderr).toContain(
          'spec.gms.replicas 0 leaves the load balancer of spec.expose.mode haproxy no GMS node to balance over',
        );
        // With mode none it may scale to zero.
        const none = JSON.stringify({ spec: { expose: { mode: 'none' } } });
        await kubectlOk(['patch', ...inNs, '--type=merge', '-p', none]);
        await kubectlOk(['scale', ...inNs, '--replicas=0']);
      } finally {
        // (kubectl get gms below lists this namespace's objects)
        await kubectlOk(['delete', ...inNs, '--ignore-not-found', '--wait']);
      }
    });
  });

  it('rejects a missing required field with its path', async () => {
    const cs = chatService('nogms');
    delete (cs.spec as Record<string, unknown>).gms;
    await expectRejected(cs, 'spec.gms', /Required value/);
  });
});

describe('subresources and printing', () => {
  const custom = () => ns.kc.makeApiClient(CustomObjectsApi);
  const name = 'customer-support';

  beforeAll(async () => {
    await custom().createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: ns.name,
      plural: 'chatservices',
      body: chatService(name, { gms: { version: '8.5.219.03', replicas: 3 } }),
    });
    await custom().createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: ns.name,
      plural: 'pushproviders',
      body: pushProvider('fcmprod'),
    });
  });

  it('has a status subresource: status writes go through /status only and do not bump generation', async () => {
    const before = (await custom().getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: ns.name,
      plural: 'chatservices',
      name,
    })) as { metadata: { generation: number } };
    const status = {
      observedGeneration: before.metadata.generation,
      serviceName: name,
      channel: `/service/chatV2/${name}`,
      replicas: 3,
      readyReplicas: 2,
      conditions: [
        {
          type: 'Ready',
          status: 'False',
          reason: 'NodesNotReady',
          message: '2/3 GMS nodes ready',
          lastTransitionTime: '2026-01-01T00:00:00Z',
        },
        {
          type: 'ConfigValid',
          status: 'True',
          reason: 'Valid',
          message: 'ok',
          lastTransitionTime: '2026-01-01T00:00:00Z',
        },
      ],
      rollout: { phase: 'Restarting', currentNode: `${name}-1` },
    };
    await kubectlOk([
      'patch',
      'chatservice',
      name,
      '-n',
      ns.name,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status }),
    ]);
    // A status in a main-resource write is ignored.
    await kubectlOk([
      'patch',
      'chatservice',
      name,
      '-n',
      ns.name,
      '--type=merge',
      '-p',
      JSON.stringify({ status: { rollout: { phase: 'Halted' } } }),
    ]);
    const after = JSON.parse(
      await kubectlOk(['get', 'chatservice', name, '-n', ns.name, '-o', 'json']),
    ) as {
      metadata: { generation: number };
      status: typeof status;
    };
    expect(after.metadata.generation).toBe(before.metadata.generation);
    expect(after.status.rollout.phase).toBe('Restarting');
    expect(after.status.readyReplicas).toBe(2);
    // The status schema is enforced too.
    const bad = await kubectl([
      'patch',
      'chatservice',
      name,
      '-n',
      ns.name,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status: { rollout: { phase: 'Sleeping' } } }),
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/status\.rollout\.phase: Unsupported value: "Sleeping"/);
    // kubectl wait works on the Ready condition (the operator sets it; here we do).
    await kubectlOk([
      'patch',
      'chatservice',
      name,
      '-n',
      ns.name,
      '--subresource=status',
      '--type=json',
      '-p',
      JSON.stringify([{ op: 'replace', path: '/status/conditions/0/status', value: 'True' }]),
    ]);
    await kubectlOk([
      'wait',
      '--for=condition=Ready',
      `chatservice/${name}`,
      '-n',
      ns.name,
      '--timeout=10s',
    ]);
  });

  it('has a scale subresource on spec.gms.replicas (kubectl scale)', async () => {
    await kubectlOk(['scale', 'chatservice', name, '-n', ns.name, '--replicas=4']);
    const replicas = await kubectlOk([
      'get',
      'chatservice',
      name,
      '-n',
      ns.name,
      '-o',
      'jsonpath={.spec.gms.replicas}',
    ]);
    expect(replicas).toBe('4');
    await kubectlOk(['scale', 'chatservice', name, '-n', ns.name, '--replicas=3']);
  });

  it('prints service, GMS version, replicas, Ready, rollout phase and age (kubectl get chatservices)', async () => {
    const out = await kubectlOk(['get', 'chatservices', '-n', ns.name]);
    const [header, row] = out
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s{2,}/));
    expect(header).toEqual(['NAME', 'SERVICE', 'GMS', 'REPLICAS', 'READY', 'ROLLOUT', 'AGE']);
    expect(row!.slice(0, 6)).toEqual([name, name, '8.5.219.03', '3', 'True', 'Restarting']);
    expect(row![6]).toMatch(/^\d+s$/);
    const wide = await kubectlOk(['get', 'chatsvc', name, '-n', ns.name, '-o', 'wide']);
    expect(wide.split('\n')[0]).toMatch(/CONFIG\s+NODES-READY\s+CHANNEL/);
    expect(wide).toContain(`/service/chatV2/${name}`);
  });

  it('lists both kinds under the gms category and their short names (kubectl get gms)', async () => {
    const out = await kubectlOk(['get', 'gms', '-n', ns.name, '-o', 'name']);
    expect(out.trim().split('\n').sort()).toEqual([
      `chatservice.${GROUP}/${name}`,
      `pushprovider.${GROUP}/fcmprod`,
    ]);
    expect(await kubectlOk(['get', 'pushprov', '-n', ns.name, '-o', 'name'])).toContain('fcmprod');
    const pp = await kubectlOk(['get', 'pushproviders', '-n', ns.name]);
    expect(pp.split('\n')[0]).toMatch(/^NAME\s+TYPE\s+AGE/);
  });

  it('kubectl explain shows the [gms] options of spec.gms.options and spec.sections', async () => {
    const words = (s: string) => s.replace(/\s+/g, ' ').trim();
    const gms = await kubectlOk(['explain', 'chatservice.spec.gms.options']);
    expect(gms).toContain('http.ssl_trust_all');
    expect(gms).toContain('http.connection_timeout');
    expect(words(gms)).toContain('[gms] section');
    const sections = await kubectlOk(['explain', 'chatservice.spec.sections']);
    expect(words(sections)).toContain('[log], [server], [service.<name>]');
  });

  it('kubectl explain prints the catalog description of spec.chat.enable_notification_mode', async () => {
    const out = await kubectlOk(['explain', 'chatservice.spec.chat.enable_notification_mode']);
    const option = findOption('chat', 'enable_notification_mode');
    expect(option).toBeDefined();
    // kubectl re-wraps long text: compare word sequences.
    const words = (s: string) => s.replace(/\s+/g, ' ').trim();
    expect(words(out)).toContain(words(option!.description));
    expect(out).toMatch(/GROUP:\s+gms\.chatops\.io/);
  });
});

// ---------------------------------------------------------------------------------------------
// examples/ and examples/bad/
// ---------------------------------------------------------------------------------------------

const EXAMPLES = join(REPO_ROOT, 'examples');
const BAD = join(EXAMPLES, 'bad');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * `kubectl apply --server-side --dry-run=server -f <file>` as a user would run it, moved into
 * the test namespace: the file's bytes go to kubectl unchanged (its own YAML decoder decides
 * what the file means) except `namespace: contact-center`, rewritten byte-for-byte (latin1
 * keeps a file that is not UTF-8 exactly as it is).
 */
function dryRunFile(file: string, namespace: string): Promise<ExecResult> {
  const text = readFileSync(file)
    .toString('latin1')
    .replace(/(\bnamespace:\s*)contact-center\b/g, `$1${namespace}`);
  return kubectl(
    [
      'apply',
      '--server-side',
      '--dry-run=server',
      '--field-manager=gms-tests',
      '--validate=strict',
      '-n',
      namespace,
      '-f',
      '-',
    ],
    Buffer.from(text, 'latin1'),
  );
}

/**
 * What the API server does with each bad example, keyed by its `# gmsctl-expect: <rule>`
 * header (examples/bad/ is written for gmsctl; not every rule can be checked without context).
 *   rejects     the CRD schema or a CEL rule refuses it: kubectl apply fails with this message
 *   accepts     only gmsctl (and the operator's webhook) catch it; the reason is why the CRD cannot
 *   unreadable  kubectl itself cannot read it as Kubernetes objects (nothing reaches the server)
 * A bad example with a rule missing here fails the test until it is classified.
 */
type Verdict =
  { verdict: 'rejects'; message: RegExp } | { verdict: 'accepts' | 'unreadable'; why: string };
const API_SERVER_VERDICTS: Record<string, Verdict> = {
  'inline-credential': {
    verdict: 'rejects',
    message: /spec\.push\.options\.fcm\.apiKey: Forbidden: fcm\.apiKey is a credential/,
  },
  'option-placement': {
    verdict: 'rejects',
    message:
      /spec\.options\.enable_notification_mode: Forbidden: .*defined in the chat section only/,
  },
  'option-value': {
    verdict: 'rejects',
    message: /defaultSubscriptionExpiration must be an integer in 30\.\.inf seconds/,
  },
  'provider-name': {
    verdict: 'rejects',
    message: /PushProvider name must be short .* letters and digits only/,
  },
  schema: {
    verdict: 'rejects',
    message: /spec\.expose\.mode: Unsupported value: "haproxi": supported values: .*"haproxy"/,
  },
  injection: {
    verdict: 'rejects',
    message: /spec\.expose\.cookieName: Invalid value: .* should match/,
  },
  'file-encoding': {
    verdict: 'rejects',
    message: /metadata\.name: Invalid value: .*RFC 1123 subdomain/,
  },
  'chat-server-version': {
    verdict: 'accepts',
    why: 'a version comparison (Chat Server 8.5.108+); the CRD checks the format only',
  },
  'duplicate-object': {
    verdict: 'accepts',
    why: 'two documents for one object: kubectl applies both and the second wins',
  },
  'option-type': {
    verdict: 'accepts',
    why: 'spec.chat option values are untyped in the CRD (x-kubernetes-preserve-unknown-fields)',
  },
  'option-unknown': {
    verdict: 'accepts',
    why: 'option maps keep unknown keys; gmsctl warns and suggests the known one',
  },
  'push-enabled-comet': { verdict: 'accepts', why: 'depends on spec.gms.version (8.5.103.10+)' },
  reference: {
    verdict: 'accepts',
    why: 'needs the other objects (the PushProviders) of the apply set',
  },
  'version-gate': { verdict: 'accepts', why: 'depends on spec.gms.version' },
  'expose-mode': {
    verdict: 'rejects',
    message:
      /spec\.expose\.gateway: Required value: spec\.expose\.mode gateway-api needs spec\.expose\.gateway\.name: the Gateway the HTTPRoute attaches to/,
  },
  'file-too-large': {
    verdict: 'accepts',
    why: 'a gmsctl input limit; the content is a valid ChatService',
  },
  'yaml-duplicate-key': {
    verdict: 'accepts',
    why: "kubectl's YAML decoder keeps the last key without a word",
  },
  'file-empty': { verdict: 'unreadable', why: 'no document' },
  'yaml-syntax': { verdict: 'unreadable', why: 'not YAML' },
  'yaml-alias-limit': { verdict: 'unreadable', why: 'kubectl refuses excessive aliasing too' },
};

function ruleOf(file: string): string | undefined {
  return /^#\s*gmsctl-expect:\s*([a-z0-9-]+)/m.exec(readFileSync(file, 'latin1'))?.[1];
}

describe('examples/ (server-side dry-run)', () => {
  let examplesNs = '';
  beforeAll(async () => {
    // A namespace of their own: they must apply to an empty namespace, as for a new user.
    examplesNs = await createTestNamespace(ns.kc, 'examples');
    return () => deleteNamespace(ns.kc, examplesNs);
  });
  const files = yamlFiles(EXAMPLES);

  it('exist', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    it(`accepts ${file.slice(REPO_ROOT.length + 1)}`, async () => {
      const r = await dryRunFile(file, examplesNs);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/serverside-applied \(server dry run\)/);
    });
  }

  it('accepts them all together, as `kubectl apply -f examples/` would', async () => {
    const r = await kubectl(
      [
        'apply',
        '--server-side',
        '--dry-run=server',
        '--field-manager=gms-tests',
        '--validate=strict',
        '-n',
        examplesNs,
        '-f',
        '-',
      ],
      files
        .map((f) =>
          readFileSync(f, 'utf8').replace(/(\bnamespace:\s*)contact-center\b/g, `$1${examplesNs}`),
        )
        .join('\n---\n'),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/chatservice\.gms\.chatops\.io\/customer-support serverside-applied/);
  });
});

describe('examples/bad/ (server-side dry-run)', () => {
  let badNs = '';
  beforeAll(async () => {
    badNs = await createTestNamespace(ns.kc, 'bad-examples');
    return () => deleteNamespace(ns.kc, badNs);
  });

  for (const file of yamlFiles(BAD)) {
    const rel = file.slice(REPO_ROOT.length + 1);
    const rule = ruleOf(file);
    const v = rule ? API_SERVER_VERDICTS[rule] : undefined;
    const title = !v
      ? 'is unclassified'
      : v.verdict === 'rejects'
        ? 'is rejected by the API server with a readable message'
        : v.verdict === 'accepts'
          ? `passes the API server, gmsctl-only: ${v.why}`
          : `is refused by kubectl before any request: ${v.why}`;
    it(`${rel} [${rule ?? '?'}] ${title}`, async () => {
      expect(rule, `${rel} has no "# gmsctl-expect: <rule>" header`).toBeDefined();
      expect(
        v,
        `classify rule ${rule} in API_SERVER_VERDICTS (rejects / accepts / unreadable)`,
      ).toBeDefined();
      const r = await dryRunFile(file, badNs);
      const err = r.stderr.trim();
      if (v!.verdict === 'rejects') {
        expect(r.code, `${rel} was accepted by the API server: ${r.stdout}`).not.toBe(0);
        expect(err).toMatch(/^The (ChatService|PushProvider) "[^"]+" is invalid: /);
        expect(err).toMatch(v!.message);
        expect(err).not.toMatch(/panic|goroutine/);
      } else if (v!.verdict === 'accepts') {
        expect(
          r.code,
          `${rel} is classified gmsctl-only, but the API server now rejects it (reclassify): ${err}`,
        ).toBe(0);
      } else {
        expect(r.code).not.toBe(0);
        expect(err).toMatch(/^error: /); // kubectl's own, one line, before any request
        expect(err).not.toMatch(/is invalid/);
      }
    });
  }
});
