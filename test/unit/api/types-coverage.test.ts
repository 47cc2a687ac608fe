/**
 * src/api/types.ts is the contract; the schema builder mirrors it by hand. This test reads the
 * interfaces with the TypeScript compiler and fails when a field exists on one side only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { chatServiceRoot, pushProviderRoot } from '../../../src/api/crd.js';
import type { SchemaNode } from '../../../src/api/schema/model.js';

const TYPES = join(import.meta.dirname, '..', '..', '..', 'src', 'api', 'types.ts');

function interfaceMembers(): Map<string, string[]> {
  const sf = ts.createSourceFile(TYPES, readFileSync(TYPES, 'utf8'), ts.ScriptTarget.Latest, true);
  const out = new Map<string, string[]>();
  sf.forEachChild((n) => {
    if (ts.isInterfaceDeclaration(n))
      out.set(
        n.name.text,
        n.members.filter(ts.isPropertySignature).map((m) => (m.name as ts.Identifier).text),
      );
  });
  return out;
}

function node(root: SchemaNode, path: string): SchemaNode {
  let n = root;
  for (const p of path.split('.').filter(Boolean)) {
    n = p === '[]' ? n.items! : n.properties![p]!;
    if (!n) throw new Error(`no schema node at ${path}`);
  }
  return n;
}

const CHAT: [string, string][] = [
  ['ChatServiceSpec', 'spec'],
  ['GmsSpec', 'spec.gms'],
  ['ResourceRequirements', 'spec.gms.resources'],
  ['ChatServerSpec', 'spec.chatServer'],
  ['ChatServerEndpoint', 'spec.chatServer.endpoints.[]'],
  ['PushSpec', 'spec.push'],
  ['AuthSpec', 'spec.auth'],
  ['BasicAuthSpec', 'spec.auth.basic'],
  ['ExposeSpec', 'spec.expose'],
  ['TlsSpec', 'spec.expose.tls'],
  ['RolloutSpec', 'spec.rollout'],
  ['NodeApiSpec', 'spec.nodeApi'],
  ['ChatServiceStatus', 'status'],
  ['RolloutStatus', 'status.rollout'],
  ['Condition', 'status.conditions.[]'],
];

const PROVIDER: [string, string][] = [
  ['PushProviderSpec', 'spec'],
  ['FcmSpec', 'spec.fcm'],
  ['AppleSpec', 'spec.apple'],
  ['CustomHttpSpec', 'spec.customhttp'],
  ['PushEventText', 'spec.events.Message'],
  ['SecretKeySelector', 'spec.fcm.apiKeySecretRef'],
  ['PushProviderStatus', 'status'],
];

describe('schema covers src/api/types.ts', () => {
  const members = interfaceMembers();

  it.each(CHAT)('ChatService %s <-> %s', (iface, path) => {
    const fields = members.get(iface);
    expect(fields, iface).toBeDefined();
    expect(Object.keys(node(chatServiceRoot(), path).properties ?? {}).sort()).toEqual(
      [...fields!].sort(),
    );
  });

  it.each(PROVIDER)('PushProvider %s <-> %s', (iface, path) => {
    const fields = members.get(iface);
    expect(fields, iface).toBeDefined();
    expect(Object.keys(node(pushProviderRoot(), path).properties ?? {}).sort()).toEqual(
      [...fields!].sort(),
    );
  });

  it('covers the basic-auth secret reference (SecretReference & keys)', () => {
    const ref = node(chatServiceRoot(), 'spec.auth.basic.secretRef');
    expect(Object.keys(ref.properties!).sort()).toEqual(
      [...members.get('SecretReference')!, 'usernameKey', 'passwordKey'].sort(),
    );
  });
});
