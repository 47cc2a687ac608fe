/**
 * GMS nodes that run the project's gateway image (repository gms-gateway) are probed with
 * httpGet /readyz (503 while OFFLINE or detached; the image has no shell tools); any other image
 * keeps the GMS node status check (exec: the body must say ONLINE). The /readyz semantics
 * themselves are proven against a real gateway in test/integration/gateway/nodes.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { ChatService } from '../../../src/api/types.js';
import { render } from '../../../src/config/index.js';
import { desiredState } from '../../../src/manifests/index.js';
import { isProjectGatewayImage } from '../../../src/manifests/statefulset.js';

function chatService(image?: string): ChatService {
  return {
    apiVersion: 'gms.chatops.io/v1alpha1',
    kind: 'ChatService',
    metadata: { name: 'support', namespace: 'cc', uid: 'uid-cs', generation: 1 },
    spec: {
      gms: { version: '8.5.219.03', replicas: 2, ...(image ? { image } : {}) },
      chatServer: {
        version: '8.5.108.02',
        endpoints: [{ name: 'cs-1', host: 'chat-1.cc.svc', port: 4125 }],
      },
    },
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function container(cs: ChatService): any {
  const { objects } = desiredState({
    cs,
    providers: [],
    rendered: render(cs, []),
    sourceSecrets: [],
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const sts = objects.find((o) => o.kind === 'StatefulSet') as any;
  return sts.spec.template.spec.containers[0];
}

describe('readiness probe by GMS image', () => {
  it.each([
    'gms-gateway',
    'gms-gateway:0.1.0',
    'registry.example.com:5000/team/gms-gateway:0.1.0',
    'ghcr.io/acme/gms-gateway@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
  ])('%s is the project gateway: httpGet /readyz on the GMS port', (image) => {
    expect(isProjectGatewayImage(image)).toBe(true);
    const c = container(chatService(image));
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(c.readinessProbe.exec).toBeUndefined();
    expect(c.ports).toContainEqual({ name: 'http', containerPort: 8080, protocol: 'TCP' });
  });

  it.each([
    undefined, // default: gms:<version>
    'registry.example.com/gms:8.5.219.03',
    'registry.example.com/gms-gateway-legacy:1',
    'registry.example.com/gms-gateway/gms:8.5.219.03',
  ])('%s is a GMS image: the node status API must answer ONLINE (exec)', (image) => {
    if (image) expect(isProjectGatewayImage(image)).toBe(false);
    const c = container(chatService(image));
    expect(c.readinessProbe.httpGet).toBeUndefined();
    expect(c.readinessProbe.exec.command.join(' ')).toContain('/genesys/1/admin/node/status');
  });
});
