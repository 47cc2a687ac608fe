/**
 * Config changes while a node runs: dynamic options apply in place; a restart-required option
 * is refused and keeps its value (seed: enable_notification_mode "cannot be modified at
 * runtime"); a file that does not parse changes nothing.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, waitFor, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

async function metric(name: string): Promise<string> {
  const text = await (await fetch(`${h.gateways[0]!.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(name))
    .join('\n');
}

describe('config reload (file watch)', () => {
  it('applies a dynamic option and refuses a restart-required one, keeping the old value', async () => {
    const gw = h.gateways[0]!;
    expect(gw.settings.services.get('customer-support')?.includePayload).toBe(false);
    const text = await readFile(h.iniPath, 'utf8');
    await writeFile(
      h.iniPath,
      text
        .replace('enable_notification_mode=true', 'enable_notification_mode=false')
        .replace(
          'push_notification_to_active_client=true',
          'push_notification_to_active_client=true\npush_notification_include_payload=true',
        ),
    );
    await waitFor(
      () => gw.settings.services.get('customer-support')?.includePayload === true,
      10_000,
    );
    expect(gw.settings.notificationMode).toBe(true);
    expect(gw.readiness().ready).toBe(true);
    expect(await metric('gms_config_refused_changes_total')).toMatch(
      /gms_config_refused_changes_total 1/,
    );
    expect(await metric('gms_config_reloads_total')).toMatch(/result="partial"} 1/);
  });

  it('a file that does not parse changes nothing', async () => {
    const gw = h.gateways[0]!;
    const before = gw.settings;
    await writeFile(h.iniPath, '[chat]\nenable_notification_mode true\n');
    await waitFor(
      async () => /result="invalid"} 1/.test(await metric('gms_config_reloads_total')),
      10_000,
    );
    expect(gw.settings).toBe(before);
  });
});
