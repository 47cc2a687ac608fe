import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { command } from '../../../src/cli/commands/plan.js';

const dir = mkdtempSync(join(tmpdir(), 'gmsctl-plan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function manifest(
  opts: {
    activeClient?: boolean;
    payload?: boolean;
    replicas?: number;
    port?: number;
    image?: string;
  } = {},
): string {
  return `apiVersion: gms.chatops.io/v1alpha1
kind: ChatService
metadata: { name: customer-support, namespace: contact-center }
spec:
  gms: { version: "8.5.219.03", image: ${opts.image ?? 'registry.example.com/gms:8.5.219.03'}, replicas: ${opts.replicas ?? 3} }
  chatServer:
    version: "8.5.108.02"
    endpoints:
      - { name: cs-1, host: chat-1.contact-center.svc, port: ${opts.port ?? 4125} }
  chat: { enable_notification_mode: true }
  options:
    push_notification_to_active_client: ${opts.activeClient ?? true}
    push_notification_include_payload: ${opts.payload ?? false}
`;
}

function write(name: string, text: string): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'chatservice.yaml'), text);
  return d;
}

async function run(
  args: Record<string, unknown>,
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    const code = await command.run({ format: 'text', ...args });
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('gmsctl plan', () => {
  const old = write('old', manifest());

  it('prints each changed option with its effect and the ordered steps, exit 0', async () => {
    const to = write('restart', manifest({ activeClient: false, payload: true }));
    const r = await run({ from: old, to });
    expect(r.code).toBe(0);
    expect(r.out).toContain('push_notification_to_active_client: true -> false restart-required');
    expect(r.out).toContain('push_notification_include_payload: false -> true dynamic');
    expect(r.out).toContain('strategy DetachReattach');
    const steps = r.out.split('\n').filter((l) => /^\s+\d+\. /.test(l));
    expect(steps.findIndex((l) => l.includes('detach customer-support-2'))).toBeLessThan(
      steps.findIndex((l) => l.includes('detach customer-support-1')),
    );
    expect(steps.some((l) => l.includes('reattach customer-support-0'))).toBe(true);
  });

  it('says a dynamic-only change restarts nothing', async () => {
    const to = write('dynamic', manifest({ payload: true }));
    const r = await run({ from: old, to });
    expect(r.code).toBe(0);
    expect(r.out).toContain('dynamic change, no restart');
    expect(r.out).not.toContain('detach');
  });

  it('emits JSON for bots', async () => {
    const to = write('json', manifest({ image: 'registry.example.com/gms:8.5.220.01' }));
    const r = await run({ from: old, to, format: 'json' });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as {
      valid: boolean;
      plans: {
        restartRequired: boolean;
        spec: { field: string }[];
        steps: { action: string; node?: string }[];
      }[];
      summary: { restartRequired: string[] };
    };
    expect(doc.valid).toBe(true);
    expect(doc.plans[0]?.restartRequired).toBe(true);
    expect(doc.plans[0]?.spec.map((s) => s.field)).toEqual(['spec.gms.image']);
    expect(doc.plans[0]?.steps.filter((s) => s.action === 'restart').map((s) => s.node)).toEqual([
      'customer-support-2',
      'customer-support-1',
      'customer-support-0',
    ]);
    expect(doc.summary.restartRequired).toEqual(['contact-center/customer-support']);
  });

  it('exits 2 on an unreadable input, naming it', async () => {
    const r = await run({ from: join(dir, 'missing'), to: old });
    expect(r.code).toBe(2);
    expect(r.err).toContain('cannot read --from');
  });

  it('exits 1 with diagnostics when the new manifests are invalid', async () => {
    const to = write('invalid', manifest({ port: 99999 }));
    const r = await run({ from: old, to });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/chatservice\.yaml:9:\d+/);
    expect(r.out).toContain('ConfigValid=False');
    expect(r.out).toMatch(/in 2 files \(2 documents\)/); // both sides counted
  });

  it('plans a ChatService whose PushProviders are in other files, and says what it could not compare', async () => {
    const withPush = (activeClient: boolean) =>
      manifest({ activeClient }).replace(
        '  options:',
        '  push: { enabled: [comet, fcm], providers: [fcmprod], defaultProvider: fcmprod }\n  options:',
      );
    const from = write('push-old', withPush(true));
    const to = write('push-new', withPush(false));
    const r = await run({ from, to });
    expect(r.code).toBe(0);
    expect(r.out).toContain('push_notification_to_active_client: true -> false');
    expect(r.out).toContain(
      'note: PushProvider contact-center/fcmprod is not among the --to files: its [push.provider.fcmprod] options are not compared',
    );
    const json = await run({ from, to, format: 'json' });
    const doc = JSON.parse(json.out) as { valid: boolean; notes: string[] };
    expect(doc.valid).toBe(true);
    expect(doc.notes).toHaveLength(2); // --from and --to
  });
});
