/**
 * The part of faye 1.4.3 (no published types) the gateway uses: the NodeAdapter's public API,
 * plus the engine internals wrapped and checked in ./faye-internals.ts.
 */
declare module 'faye' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  import type { Duplex } from 'node:stream';

  export interface BayeuxMessage {
    channel: string;
    clientId?: string;
    id?: string;
    data?: unknown;
    subscription?: string | string[];
    error?: string;
    successful?: boolean;
    connectionType?: string;
    supportedConnectionTypes?: string[];
    advice?: Record<string, unknown>;
    ext?: Record<string, unknown>;
    [key: string]: unknown;
  }

  export type Pipe = (message: BayeuxMessage | null) => void;

  export interface Extension {
    incoming?: (message: BayeuxMessage, request: IncomingMessage | null, callback: Pipe) => void;
    outgoing?: (message: BayeuxMessage, request: IncomingMessage | null, callback: Pipe) => void;
  }

  export interface NodeAdapterOptions {
    mount: string;
    timeout?: number;
    ping?: number;
    engine?: Record<string, unknown>;
  }

  export class NodeAdapter {
    constructor(options: NodeAdapterOptions);
    addExtension(ext: Extension): void;
    handle(req: IncomingMessage, res: ServerResponse): void;
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
    check(req: IncomingMessage): boolean;
    on(event: 'handshake' | 'disconnect', listener: (clientId: string) => void): void;
    on(
      event: 'subscribe' | 'unsubscribe',
      listener: (clientId: string, channel: string) => void,
    ): void;
    close(): void;
  }

  const faye: { NodeAdapter: typeof NodeAdapter };
  export default faye;
}
