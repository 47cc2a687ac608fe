import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { chatServiceCrd, pushProviderCrd } from '../../../src/api/crd.js';
import { generatedFiles } from '../../../src/api/generate.js';
import { OPTIONS, expandOptionNames, optionsForSection } from '../../../src/catalog/index.js';

type Node = Record<string, unknown>;

function schemaOf(crd: Node): Node {
  const spec = crd.spec as Node;
  const v = (spec.versions as Node[])[0]!;
  return (v.schema as Node).openAPIV3Schema as Node;
}

function at(root: Node, path: string): Node {
  let n = root;
  for (const p of path.split('.')) n = (n.properties as Record<string, Node>)[p]!;
  return n;
}

/** Every structural-schema violation found (apiextensions "structural schema" rules). */
function structuralProblems(node: Node, path: string, out: string[] = []): string[] {
  const typed =
    typeof node.type === 'string' ||
    node['x-kubernetes-int-or-string'] === true ||
    node['x-kubernetes-preserve-unknown-fields'] === true;
  if (!typed) out.push(`${path}: no type`);
  if (node.properties && node.additionalProperties)
    out.push(`${path}: properties and additionalProperties`);
  if (node.additionalProperties === false) out.push(`${path}: additionalProperties false`);
  for (const k of ['anyOf', 'oneOf', 'allOf', 'not', '$ref', 'definitions', 'const', 'if'])
    if (k in node) out.push(`${path}: ${k} (not for CRD structural schemas here)`);
  if (node['x-kubernetes-int-or-string'] && node.type)
    out.push(`${path}: int-or-string with a type`);
  for (const r of (node['x-kubernetes-validations'] as Node[] | undefined) ?? []) {
    if (typeof r.rule !== 'string' || r.rule === '') out.push(`${path}: empty rule`);
    if (typeof r.message !== 'string' && typeof r.messageExpression !== 'string')
      out.push(`${path}: rule without a message`);
  }
  for (const [k, v] of Object.entries((node.properties as Record<string, Node>) ?? {}))
    structuralProblems(v, `${path}.${k}`, out);
  if (node.items) structuralProblems(node.items as Node, `${path}[]`, out);
  if (node.additionalProperties && typeof node.additionalProperties === 'object')
    structuralProblems(node.additionalProperties as Node, `${path}.*`, out);
  return out;
}

function hasDefault(node: Node): boolean {
  if ('default' in node) return true;
  return Object.values((node.properties as Record<string, Node>) ?? {}).some(hasDefault);
}

describe('CRDs', () => {
  const cs = chatServiceCrd();
  const pp = pushProviderCrd();

  it('are structural', () => {
    expect(structuralProblems(schemaOf(cs), 'chatservice')).toEqual([]);
    expect(structuralProblems(schemaOf(pp), 'pushprovider')).toEqual([]);
  });

  it('constrain metadata to name only (all the API server allows)', () => {
    for (const crd of [cs, pp])
      expect(Object.keys(at(schemaOf(crd), 'metadata').properties as Node)).toEqual(['name']);
  });

  it('have names, short names that do not clash with kubectl, the gms category, status', () => {
    const names = (cs.spec as Node).names as Node;
    expect(names).toMatchObject({
      kind: 'ChatService',
      plural: 'chatservices',
      categories: ['gms'],
    });
    expect(names.shortNames).toEqual(['chatsvc', 'gmschat']);
    expect(names.shortNames).not.toContain('cs'); // componentstatuses
    expect(((pp.spec as Node).names as Node).shortNames).toEqual(['pushprov']);
    expect(((pp.spec as Node).names as Node).categories).toEqual(['gms']);
    for (const crd of [cs, pp]) {
      const v = ((crd.spec as Node).versions as Node[])[0]!;
      expect(v).toMatchObject({ name: 'v1alpha1', served: true, storage: true });
      expect((v.subresources as Node).status).toEqual({});
    }
  });

  it('print SERVICE, GMS, REPLICAS, READY, ROLLOUT, AGE for chat services and TYPE, AGE for providers', () => {
    const cols = (crd: Node) =>
      (((crd.spec as Node).versions as Node[])[0]!.additionalPrinterColumns as Node[])
        .filter((c) => !c.priority)
        .map((c) => [c.name, c.jsonPath]);
    expect(cols(cs)).toEqual([
      ['Service', '.status.serviceName'],
      ['GMS', '.spec.gms.version'],
      ['Replicas', '.spec.gms.replicas'],
      ['Ready', '.status.conditions[?(@.type=="Ready")].status'],
      ['Rollout', '.status.rollout.phase'],
      ['Age', '.metadata.creationTimestamp'],
    ]);
    expect(cols(pp)).toEqual([
      ['Type', '.spec.type'],
      ['Age', '.metadata.creationTimestamp'],
    ]);
  });

  it('name every catalog option of a section under its option map, with the catalog description', () => {
    const maps: [Node, string, Parameters<typeof optionsForSection>[0]][] = [
      [schemaOf(cs), 'spec.chat', 'chat'],
      [schemaOf(cs), 'spec.options', 'chat.<service>'],
      [schemaOf(cs), 'spec.push.options', 'push'],
      [schemaOf(cs), 'spec.gms.options', 'gms'],
      [schemaOf(pp), 'spec.options', 'push.provider.<name>'],
    ];
    for (const [root, path, section] of maps) {
      const map = at(root, path);
      expect(map['x-kubernetes-preserve-unknown-fields'], path).toBe(true);
      const props = map.properties as Record<string, Node>;
      for (const o of optionsForSection(section))
        for (const name of expandOptionNames(o).filter((n) => !n.includes('<'))) {
          expect(props[name], `${path}.${name}`).toBeDefined();
          expect(String(props[name]!.description)).toContain(o.description);
        }
    }
    const chat = at(schemaOf(cs), 'spec.chat.enable_notification_mode');
    expect(chat.description).toMatch(/^Enables the notification mode for the Chat V2 CometD API/);
  });

  it('set no defaults on options (they would be rendered and version-gated)', () => {
    for (const [root, path] of [
      [schemaOf(cs), 'spec.chat'],
      [schemaOf(cs), 'spec.options'],
      [schemaOf(cs), 'spec.push.options'],
      [schemaOf(cs), 'spec.gms.options'],
      [schemaOf(cs), 'spec.sections'],
      [schemaOf(pp), 'spec.options'],
    ] as const)
      expect(hasDefault(at(root, path)), path).toBe(false);
  });

  it('reject enable_notification_mode under spec.options and inline credentials with CEL', () => {
    const rules = (n: Node) => (n['x-kubernetes-validations'] as Node[]).map((r) => r.rule);
    expect(rules(at(schemaOf(cs), 'spec.options'))).toEqual(
      expect.arrayContaining([
        '!has(self.enable_notification_mode)',
        '!has(self.auth__dot__basic__dot__password)',
      ]),
    );
    expect(rules(at(schemaOf(cs), 'spec.push.options'))).toEqual(
      expect.arrayContaining([
        '!has(self.fcm__dot__apiKey)',
        '!has(self.apple__dot__keystorePassword)',
      ]),
    );
    expect(rules(at(schemaOf(pp), 'spec.options'))).toContain(
      '!has(self.debug__dot__fcm__dot__apiKey)',
    );
    // the forbidden node is visible to CEL (typed), unlike the untyped boolean options
    expect(at(schemaOf(cs), 'spec.options.enable_notification_mode').type).toBe('boolean');
    const msg = (at(schemaOf(cs), 'spec.options')['x-kubernetes-validations'] as Node[]).find((r) =>
      String(r.rule).includes('enable_notification_mode'),
    )!;
    expect(msg).toMatchObject({
      fieldPath: '.enable_notification_mode',
      reason: 'FieldValueForbidden',
    });
    expect(String(msg.message)).toMatch(/chat section only/);
  });

  it('check names, the provider type and enums without context', () => {
    const root = schemaOf(cs);
    expect(JSON.stringify(root['x-kubernetes-validations'])).toContain(
      'self.metadata.name.matches',
    );
    expect(at(root, 'spec.serviceName').pattern).toBeDefined();
    expect(at(root, 'spec.rollout.strategy').enum).toEqual(['DetachReattach', 'Offline']);
    expect(at(root, 'spec.expose.mode').enum).toContain('gateway-api');
    expect(at(root, 'spec.expose.affinity').enum).toEqual(['cookie', 'source-ip']);
    expect(at(root, 'spec.gms.replicas').minimum).toBe(0);
    // replicas 1 with DetachReattach is refused by the operator at runtime, not by the schema
    expect(JSON.stringify(root)).not.toMatch(/replicas[^"]*>\s*1|DetachReattach'\s*\?/);
    const proot = schemaOf(pp);
    expect(JSON.stringify(proot['x-kubernetes-validations'])).toContain('^[A-Za-z0-9]{1,32}$');
    expect(JSON.stringify(at(proot, 'spec')['x-kubernetes-validations'])).toContain(
      "(self.type == 'fcm') == has(self.fcm)",
    );
  });

  it('check the context-free expose-mode errors with CEL where self has the fields, not its warnings', () => {
    const root = schemaOf(cs);
    const rulesAt = (path: string) =>
      (at(root, path)['x-kubernetes-validations'] as Node[]).map((r) => [r.rule, r.fieldPath]);
    expect(rulesAt('spec.expose')).toEqual([
      ["!has(self.mode) || self.mode != 'gateway-api' || has(self.gateway)", '.gateway'],
      [
        "!has(self.affinity) || self.affinity != 'source-ip' || !has(self.mode) || self.mode != 'apache'",
        '.affinity',
      ],
      [
        "!has(self.affinity) || self.affinity != 'source-ip' || !has(self.mode) || self.mode != 'gateway-api'",
        '.affinity',
      ],
      ['!has(self.host) || self.host == self.host.lowerAscii()', '.host'],
      [
        "!has(self.cookieName) || !(self.cookieName.upperAscii() in ['BAYEUX_BROWSER', 'JSESSIONID'])",
        '.cookieName',
      ],
    ]);
    expect(rulesAt('spec')).toEqual([
      [
        "!has(self.expose) || !has(self.expose.mode) || !(self.expose.mode in ['nginx', 'haproxy', 'apache']) || !has(self.gms.replicas) || self.gms.replicas != 0",
        '.gms.replicas',
      ],
    ]);
    // the strings the rules read are bounded (estimated cost); mode and affinity are enums
    expect(at(root, 'spec.expose.host').maxLength).toBe(253);
    expect(at(root, 'spec.expose.cookieName').maxLength).toBe(64);
    // a rule that quotes the value has a static fallback message too
    for (const r of at(root, 'spec.expose')['x-kubernetes-validations'] as Node[])
      expect(typeof r.message, String(r.rule)).toBe('string');
    // the warnings (a setting of another mode) are not CEL rules
    expect(JSON.stringify(at(root, 'spec.expose'))).not.toMatch(
      /has\(self\.(image|ingressClassName|serviceType)\)/,
    );
  });

  it('bound every CEL-checked value (rule cost) and escape property names', () => {
    const problems: string[] = [];
    const walk = (n: Node, path: string) => {
      if (
        n['x-kubernetes-validations'] &&
        n['x-kubernetes-int-or-string'] &&
        n.maxLength === undefined
      )
        problems.push(path);
      for (const [k, v] of Object.entries((n.properties as Record<string, Node>) ?? {}))
        walk(v, `${path}.${k}`);
    };
    walk(schemaOf(cs), '');
    walk(schemaOf(pp), '');
    expect(problems).toEqual([]);
  });

  it('is what crds/ holds (YAML round trip)', () => {
    const text = generatedFiles().get('crds/gms.chatops.io_chatservices.yaml')!;
    expect(parse(text)).toEqual(cs);
    expect(text.startsWith('# Generated')).toBe(true);
  });

  it('covers every option family in some CRD or none on purpose', () => {
    const inCrd = new Set(['chat', 'chat.<service>', 'push', 'push.provider.<name>', 'gms']);
    const outside = OPTIONS.filter((o) => !o.sections.some((s) => inCrd.has(s))).map(
      (o) => o.sections[0],
    );
    // service.<name>: spec.sections (untyped in the CRD, typed in the JSON Schema); the Chat
    // Server sections: not GMS; connections: spec.chatServer.endpoints.
    expect(new Set(outside)).toEqual(
      new Set(['service.<name>', 'client-file-transfer', 'settings', 'connections']),
    );
  });

  it('spec.sections: a bounded map of option maps, its keys checked with the serializer pattern and dedicated sections refused', () => {
    const sections = at(schemaOf(cs), 'spec.sections');
    expect(sections.type).toBe('object');
    expect(sections.maxProperties).toBe(64); // bounds the CEL cost estimate over the keys
    expect(sections.additionalProperties).toMatchObject({
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
    });
    const rules = sections['x-kubernetes-validations'] as Node[];
    expect(rules.map((r) => r.rule)).toEqual([
      "self.all(k, k.size() <= 200 && k.matches(r'^[A-Za-z0-9_:-]+(\\.[A-Za-z0-9_:-]+)*$'))",
      "!('chat' in self)",
      "!('push' in self)",
      "!('gms' in self)",
      "!('connections' in self)",
      "self.all(k, !k.startsWith('chat.'))",
      "self.all(k, !k.startsWith('push.provider.'))",
    ]);
    expect(rules.find((r) => r.rule === "!('gms' in self)")).toMatchObject({
      message: '[gms] is written from spec.gms.options, not spec.sections',
      fieldPath: '.gms',
      reason: 'FieldValueForbidden',
    });
  });
});
