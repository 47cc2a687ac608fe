/**
 * The faye engine internals the gateway needs, in one place and checked at start-up, so a
 * faye upgrade that moves them fails loudly instead of silently dropping notifications.
 *
 * Why internals at all (domain/gms.md §9, "Pitfall for a faye-based gateway"): GMS answers on
 * /service/chatV2/<service> to one client at a time, while faye only broadcasts to
 * subscribers and refuses remote subscriptions to /service/*. Delivery per client goes
 * through the memory engine's per-client queue (so a notification waits for the client's
 * next /meta/connect instead of being lost between two long polls) on a private channel
 * only the gateway subscribes a client to.
 */
import type { NodeAdapter } from 'faye';

interface MemoryEngine {
  publish(message: Record<string, unknown>, channels: string[]): void;
  subscribe(clientId: string, channel: string): void;
  clientExists(clientId: string, cb: (exists: boolean) => void): void;
  destroyClient(clientId: string): void;
}

interface ProxyEngine {
  _engine: MemoryEngine;
  timeout: number;
  hasConnection(clientId: string): boolean;
}

export interface FayeEngine {
  /** Queue `message` for one client; it leaves with the client's next /meta/connect (or at once on WebSocket). */
  deliver(clientId: string, message: { channel: string; data: unknown }): void;
  /** Let the client receive per-client deliveries (called once, at handshake). */
  enablePrivateDelivery(clientId: string): void;
  exists(clientId: string): boolean;
  /** End a CometD session: its next /meta/connect answers 402 and the client handshakes again. */
  destroy(clientId: string): void;
}

/** The private channel of a client: never subscribable or publishable remotely. */
export const PRIVATE_PREFIX = '/gms-private/';
export const privateChannel = (clientId: string): string => `${PRIVATE_PREFIX}${clientId}`;

export function fayeEngine(adapter: NodeAdapter): FayeEngine {
  const proxy = (adapter as unknown as { _server?: { _engine?: ProxyEngine } })._server?._engine;
  const memory = proxy?._engine;
  if (
    !proxy ||
    !memory ||
    typeof memory.publish !== 'function' ||
    typeof memory.subscribe !== 'function' ||
    typeof memory.clientExists !== 'function' ||
    typeof memory.destroyClient !== 'function'
  )
    throw new Error(
      'faye internals changed (expected NodeAdapter._server._engine._engine, faye 1.4.x): per-client delivery is impossible',
    );
  return {
    deliver(clientId, message) {
      memory.publish({ channel: message.channel, data: message.data }, [privateChannel(clientId)]);
    },
    enablePrivateDelivery(clientId) {
      memory.subscribe(clientId, privateChannel(clientId));
    },
    exists(clientId) {
      let found = false;
      // The memory engine answers synchronously.
      memory.clientExists(clientId, (e) => {
        found = e;
      });
      return found;
    },
    destroy(clientId) {
      memory.destroyClient(clientId);
    },
  };
}
