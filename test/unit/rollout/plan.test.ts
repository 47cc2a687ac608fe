import { describe, expect, it } from 'vitest';
import type { ChatService } from '../../../src/api/types.js';
import { render } from '../../../src/config/index.js';
import { planChange, type PlanSide } from '../../../src/operator/rollout/plan.js';

function cs(patch: (s: ChatService['spec']) => void = () => {}): ChatService {
  const c: ChatService = {
    apiVersion: 'gms.chatops.io/v1alpha1',
    kind: 'ChatService',
    metadata: { name: 'customer-support', namespace: 'contact-center' },
    spec: {
      gms: { version: '8.5.219.03', image: 'registry.example.com/gms:8.5.219.03', replicas: 3 },
      chatServer: {
        version: '8.5.108.02',
        endpoints: [{ name: 'cs-1', host: 'chat-1.contact-center.svc', port: 4125 }],
      },
      chat: { enable_notification_mode: true },
      options: {
        push_notification_include_payload: false,
        push_notification_to_active_client: true,
      },
    },
  };
  patch(c.spec);
  return c;
}
const side = (c: ChatService): PlanSide => ({ cs: c, rendered: render(c, []) });
const actions = (p: ReturnType<typeof planChange>) =>
  p.steps.map((s) => `${s.action}${s.node ? ` ${s.node}` : ''}`);

describe('planChange', () => {
  it('a dynamic-only change updates the mutable ConfigMap and restarts nothing', () => {
    const p = planChange(
      side(cs()),
      side(cs((s) => (s.options!.push_notification_include_payload = true))),
    );
    expect(p.restartRequired).toBe(false);
    expect(p.dynamicChanged).toBe(true);
    expect(p.options).toEqual([
      expect.objectContaining({
        key: 'push_notification_include_payload',
        old: 'false',
        new: 'true',
        effect: 'dynamic',
      }),
    ]);
    expect(actions(p)).toEqual(['update-dynamic-config']);
  });

  it('a restart-required option rolls node by node, highest ordinal first', () => {
    const p = planChange(
      side(cs()),
      side(cs((s) => (s.options!.push_notification_to_active_client = false))),
    );
    expect(p.restartRequired).toBe(true);
    expect(p.options).toEqual([
      expect.objectContaining({ key: 'push_notification_to_active_client', effect: 'restart' }),
    ]);
    expect(p.strategy).toBe('DetachReattach');
    expect(actions(p)).toEqual([
      'apply-static-config',
      ...[2, 1, 0].flatMap((i) => [
        `detach customer-support-${i}`,
        `drain customer-support-${i}`,
        `restart customer-support-${i}`,
        `reattach customer-support-${i}`,
      ]),
      'complete',
    ]);
    expect(p.steps[1]?.text).toContain('changestatus/OFFLINE');
    expect(p.steps[2]?.text).toContain('30s');
    expect(p.steps[3]?.text).toContain('10m');
    expect(p.steps.map((s) => s.n)).toEqual(p.steps.map((_, i) => i + 1));
  });

  it('an unknown option is restart-required', () => {
    const p = planChange(
      side(cs()),
      side(cs((s) => ((s.options as Record<string, unknown>)['some_future_option'] = 'x'))),
    );
    expect(p.options).toEqual([
      expect.objectContaining({ key: 'some_future_option', effect: 'restart', kind: 'added' }),
    ]);
    expect(p.restartRequired).toBe(true);
  });

  it('image and Chat Server endpoint changes are restart-required', () => {
    const image = planChange(
      side(cs()),
      side(cs((s) => (s.gms.image = 'registry.example.com/gms:8.5.220.01'))),
    );
    expect(image.spec).toEqual([
      expect.objectContaining({ field: 'spec.gms.image', effect: 'restart' }),
    ]);
    expect(image.restartRequired).toBe(true);
    const ep = planChange(
      side(cs()),
      side(cs((s) => s.chatServer.endpoints.push({ name: 'cs-2', host: 'chat-2', port: 4125 }))),
    );
    expect(ep.restartRequired).toBe(true);
    expect(ep.options.length).toBeGreaterThan(0);
    expect(ep.options.every((c) => c.effect === 'restart')).toBe(true);
  });

  it('node API credentials reach the pod template (readiness check): restart-required', () => {
    const p = planChange(
      side(cs()),
      side(cs((s) => (s.nodeApi = { basicAuth: { secretRef: { name: 'gms-node-api' } } }))),
    );
    expect(p.restartRequired).toBe(true);
    expect(p.spec).toEqual([expect.objectContaining({ field: 'spec.nodeApi', effect: 'restart' })]);
  });

  it('names the hash-named static ConfigMap and the StatefulSet the operator applies', () => {
    const p = planChange(side(cs()), side(cs((s) => (s.chat!.enable_notification_mode = false))));
    expect(p.steps[0]?.text).toMatch(
      /ConfigMap customer-support-static-[0-9a-f]{10} \(immutable\)/,
    );
    expect(p.staticHash.from).not.toBe(p.staticHash.to);
  });

  it('a rollout-settings change restarts nothing', () => {
    const p = planChange(side(cs()), side(cs((s) => (s.rollout = { drainTimeout: '5s' }))));
    expect(p.restartRequired).toBe(false);
    expect(p.spec).toEqual([expect.objectContaining({ field: 'spec.rollout', effect: 'none' })]);
    expect(p.steps).toEqual([]);
  });

  it('refuses DetachReattach with one replica and says how to proceed', () => {
    const one = (s: ChatService['spec']) => (s.gms.replicas = 1);
    const p = planChange(
      side(cs(one)),
      side(
        cs((s) => {
          one(s);
          s.options!.push_notification_to_active_client = false;
        }),
      ),
    );
    expect(p.refused).toContain('Offline');
    expect(actions(p)).toEqual(['apply-static-config', 'refuse']);
  });

  it('strategy Offline stops every node, then starts them', () => {
    const off = (s: ChatService['spec']) => (s.rollout = { strategy: 'Offline' });
    const p = planChange(
      side(cs(off)),
      side(
        cs((s) => {
          off(s);
          s.chat!.enable_notification_mode = false;
        }),
      ),
    );
    expect(actions(p)).toEqual(['apply-static-config', 'stop-all', 'start-all', 'complete']);
    expect(p.steps[1]?.text).toContain('chat is unavailable');
  });

  it('scaling up with a restart-required change rolls only the nodes that existed', () => {
    const p = planChange(
      side(cs()),
      side(
        cs((s) => {
          s.gms.replicas = 4;
          s.options!.push_notification_to_active_client = false;
        }),
      ),
    );
    expect(actions(p).filter((a) => a.startsWith('restart'))).toEqual([
      'restart customer-support-2',
      'restart customer-support-1',
      'restart customer-support-0',
    ]);
    expect(actions(p)[1]).toBe('scale');
  });

  it('creation and deletion are single steps', () => {
    expect(planChange(undefined, side(cs())).kind).toBe('create');
    expect(planChange(side(cs()), undefined).steps[0]?.action).toBe('delete');
  });
});
