/**
 * buildStatus: the Ready condition of a ChatService whose load balancer the operator runs
 * (expose.mode nginx | haproxy | apache) waits for that load balancer, not only for the GMS
 * nodes: `kubectl wait --for=condition=Ready` must not return while no client can reach them.
 */
import { describe, expect, it } from 'vitest';
import type { ChatService } from '../../../../src/api/types.js';
import type { PodView } from '../../../../src/operator/controllers/status.js';
import {
  buildStatus,
  loadBalancerView,
  podView,
} from '../../../../src/operator/controllers/status.js';
import type { KubeObject } from '../../../../src/operator/runtime/kube/types.js';

const cs = {
  apiVersion: 'gms.chatops.io/v1alpha1',
  kind: 'ChatService',
  metadata: { name: 'support', namespace: 'cc', generation: 3 },
  spec: {
    gms: { version: '8.5.219.03', replicas: 2 },
    chatServer: { version: '8.5.108.02', endpoints: [{ name: 'cs-1', host: 'cs', port: 4125 }] },
    expose: { mode: 'haproxy', host: 'chat.example.com' },
  },
} as unknown as ChatService;

const sts: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'support', namespace: 'cc' },
};

const pod = (name: string, ready: boolean): PodView => ({
  name,
  ready,
  terminating: false,
  hash: 'h1',
  reason: ready ? undefined : 'ContainersNotReady',
});

const deployment = (readyReplicas?: number): KubeObject =>
  ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'support-lb', namespace: 'cc' },
    status: readyReplicas === undefined ? {} : { readyReplicas },
  }) as KubeObject;

function ready(pods: PodView[], lb?: ReturnType<typeof loadBalancerView>) {
  const status = buildStatus({
    cs,
    now: '2026-11-30T12:00:00Z',
    validation: { errors: [], warnings: [] },
    applied: { restartHash: 'h1', dynamicHash: 'd1' },
    statefulSet: sts,
    pods,
    desiredReplicas: 2,
    rollout: { phase: 'Idle', targetHash: 'h1' },
    conditions: undefined,
    ...(lb ? { loadBalancer: lb } : {}),
  });
  return status.conditions!.find((c) => c.type === 'Ready')!;
}

describe('buildStatus: Ready and the operator-run load balancer', () => {
  const nodes = [pod('support-0', true), pod('support-1', true)];

  it('is False (LoadBalancerNotReady) while the LB Deployment has fewer Ready pods than wanted', () => {
    for (const live of [undefined, deployment(), deployment(0), deployment(1)]) {
      const c = ready(nodes, loadBalancerView('support-lb', 2, live));
      expect(c).toMatchObject({ status: 'False', reason: 'LoadBalancerNotReady' });
      expect(c.message).toMatch(/^2\/2 GMS nodes are Ready, but the load balancer is not/);
      expect(c.message).toContain('Deployment support-lb has');
      expect(c.observedGeneration).toBe(3);
    }
    expect(ready(nodes, loadBalancerView('support-lb', 2, deployment(1))).message).toContain(
      'has 1/2 Ready pods',
    );
  });

  it('is True once every LB pod is Ready (more during a surge roll counts too)', () => {
    for (const n of [2, 3]) {
      expect(ready(nodes, loadBalancerView('support-lb', 2, deployment(n)))).toMatchObject({
        status: 'True',
        reason: 'NodesReady',
        message: '2/2 GMS nodes are Ready; load balancer support-lb is Ready (2 pods)',
      });
    }
  });

  it('names the GMS nodes first when they are not Ready either', () => {
    const c = ready(
      [pod('support-0', true), pod('support-1', false)],
      loadBalancerView('support-lb', 2, deployment(0)),
    );
    expect(c).toMatchObject({ status: 'False', reason: 'NodesNotReady' });
  });

  it('without an operator-run LB (ingress-nginx, gateway-api, none) only the nodes count', () => {
    expect(ready(nodes)).toMatchObject({
      status: 'True',
      reason: 'NodesReady',
      message: '2/2 GMS nodes are Ready',
    });
  });

  it('an LB scaled to zero replicas does not hold Ready back', () => {
    expect(ready(nodes, loadBalancerView('support-lb', 0, deployment(0)))).toMatchObject({
      status: 'True',
    });
  });
});

describe('podView: why a node is not Ready', () => {
  const pod = (status: Record<string, unknown>) =>
    podView({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'support-2' },
      status,
    } as KubeObject);

  it('a pod the scheduler cannot place: its reason and message, not "Pending"', () => {
    expect(
      pod({
        phase: 'Pending',
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: '0/3 nodes are available: 3 Insufficient cpu. ',
          },
        ],
      }).reason,
    ).toBe('Unschedulable: 0/3 nodes are available: 3 Insufficient cpu.');
  });

  it('a container waiting reason comes first; the phase is the last resort', () => {
    expect(
      pod({
        phase: 'Pending',
        conditions: [{ type: 'PodScheduled', status: 'True' }],
        containerStatuses: [{ state: { waiting: { reason: 'ImagePullBackOff' } } }],
      }).reason,
    ).toBe('ImagePullBackOff');
    expect(pod({ phase: 'Pending' }).reason).toBe('Pending');
  });
});
