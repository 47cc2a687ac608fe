/** ChatService fixtures and render helpers shared by the LB integration tests and benchmarks. */
import type { ChatService } from '../../../src/api/types.js';
import {
  renderLoadBalancer,
  type CometdTiming,
  type LbBackend,
  type RenderedFile,
} from '../../../src/lb/index.js';
import type { RunningBackend } from '../../support/cometd-backends.js';
import type { RunnableTarget } from './harness.js';

export function chatService(expose: ChatService['spec']['expose'] = {}): ChatService {
  return {
    apiVersion: 'gms.chatops.io/v1alpha1',
    kind: 'ChatService',
    metadata: { name: 'customer-support', namespace: 'contact-center' },
    spec: {
      gms: { version: '8.5.219.03', replicas: 3 },
      chatServer: {
        version: '8.5.108.02',
        endpoints: [{ name: 'cs-1', host: 'chat-1.contact-center.svc', port: 4125 }],
      },
      expose,
    },
  };
}

/** The running test backends as LB backends, named like `--backend` ones (gms-<i>). */
export function asLbBackends(backends: readonly RunningBackend[]): LbBackend[] {
  return backends.map((b) => ({ name: b.id, host: b.host, port: b.port }));
}

export function renderFor(
  target: RunnableTarget,
  cs: ChatService,
  backends: readonly RunningBackend[],
  port: number,
  dir: string,
  cometd?: CometdTiming,
): RenderedFile[] {
  return renderLoadBalancer(target, cs, {
    backends: asLbBackends(backends),
    listen: { address: '127.0.0.1', httpPort: port },
    runDir: `${dir}/run`,
    ...(cometd ? { cometd } : {}),
  });
}
