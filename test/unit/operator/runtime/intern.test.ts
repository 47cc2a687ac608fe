/** StringInterner (src/operator/runtime/intern.ts): which strings it shares, and its bounds. */
import { describe, expect, it } from 'vitest';
import { StringInterner } from '../../../../src/operator/runtime/intern.js';

const configMap = (name: string, uid: string, rv: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name: `${name}-dynamic`,
    namespace: 'contact-center',
    uid,
    resourceVersion: rv,
    creationTimestamp: '2026-11-30T12:00:00Z',
    labels: { 'app.kubernetes.io/managed-by': 'gms-operator', 'gms.chatops.io/chatservice': name },
    ownerReferences: [{ apiVersion: 'gms.chatops.io/v1alpha1', kind: 'ChatService', name }],
  },
  data: { 'dynamic.ini': `[chat.${name}]\nx=1\n` },
});

describe('StringInterner', () => {
  it('leaves every value as it was', () => {
    const i = new StringInterner();
    const a = configMap('cs-1', 'u-1', '10');
    const copy = structuredClone(a);
    expect(i.object(a)).toBe(a);
    expect(a).toEqual(copy);
  });

  it('keeps one entry per distinct shared value, however many objects repeat it', () => {
    const i = new StringInterner();
    i.object(configMap('cs-1', 'u-1', '10'));
    const after1 = i.size;
    // The same ChatService's values again: nothing new (uid, resourceVersion, creationTimestamp
    // differ but are never entered).
    i.object(configMap('cs-1', 'u-2', '11'));
    expect(i.size).toBe(after1);
    // Another ChatService: only its own name, ConfigMap name and INI text are new.
    i.object(configMap('cs-2', 'u-3', '12'));
    expect(i.size).toBe(after1 + 3);
  });

  it('does not enter the per-object unique metadata values', () => {
    const i = new StringInterner();
    const seen: string[] = [];
    const orig = i.string.bind(i);
    i.string = (s: string) => {
      seen.push(s);
      return orig(s);
    };
    i.object(configMap('cs-1', 'uid-xyz', '4711'));
    expect(seen).not.toContain('uid-xyz');
    expect(seen).not.toContain('4711');
    expect(seen).not.toContain('2026-11-30T12:00:00Z');
    expect(seen).toContain('gms-operator');
    expect(seen).toContain('cs-1');
  });

  it('leaves long strings alone and starts over when the table is full', () => {
    const i = new StringInterner({ maxLength: 8, maxEntries: 3 });
    i.string('a-long-string');
    expect(i.size).toBe(0);
    i.string('a');
    i.string('b');
    i.string('c');
    expect(i.size).toBe(3);
    i.string('a');
    expect(i.size).toBe(3);
    i.string('d');
    expect(i.size).toBe(1);
  });
});
