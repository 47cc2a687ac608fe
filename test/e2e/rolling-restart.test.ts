/**
 * Node-by-node restart with detach and reattach (the operator's DetachReattach steps, against
 * local processes) while 50 chats are active through HAProxy and nginx: agents and customers
 * keep writing; clients lose their CometD session when their node goes OFFLINE, handshake again
 * through the load balancer and resume with requestNotifications. Every client ends with a
 * gap-free transcript equal to the Chat Server's, and no chat is lost: strictly, with no
 * final re-request of any client (issue 7).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GmsChatClient, type TransportName } from '../../src/gateway/client/chat-client.js';
import type { LocalCluster } from '../../src/gateway/local/cluster.js';
import { agentCall, EXAMPLE_AUTH, startCluster, until } from './setup.js';

const CHATS = 50;
let cluster: LocalCluster;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ cluster, cleanup } = await startCluster({ lbs: ['haproxy', 'nginx'] }));
});
afterAll(async () => {
  await cleanup?.();
});

interface Chat {
  client: GmsChatClient;
  chatId: string;
  agentId: number;
}

describe('rolling restart of every node while 50 chats are active', () => {
  it('loses no chat and leaves no gap in any transcript', async () => {
    const variants: ['haproxy' | 'nginx', TransportName][] = [
      ['haproxy', 'long-polling'],
      ['haproxy', 'websocket'],
      ['nginx', 'long-polling'],
      ['nginx', 'websocket'],
    ];
    const chats: Chat[] = [];
    for (let i = 0; i < CHATS; i++) {
      const [lb, transport] = variants[i % variants.length]!;
      const client = await GmsChatClient.connect({
        url: cluster.cometdUrl(lb),
        service: cluster.serviceName,
        transport,
        subscribe: i % 2 === 0,
        responseTimeoutMs: 8000,
      });
      const r = await client.requestChat({ nickname: `customer-${i}`, auth: EXAMPLE_AUTH });
      const joined = await agentCall(cluster.csUrl, `/v1/chats/${r.chatId}/join`, {
        nickname: `agent-${i % 5}`,
      });
      chats.push({ client, chatId: r.chatId!, agentId: joined.participantId as number });
    }
    const nodesBefore = new Set(
      (
        (await (await fetch(`${cluster.csUrl}/v1/chats?state=active`)).json()) as {
          boundNode: string;
        }[]
      ).map((c) => c.boundNode),
    );
    expect(nodesBefore.size).toBeGreaterThan(1); // the LBs spread the chats

    // Traffic while the nodes roll: agents answer, customers write (failures while a node
    // goes away are expected; what matters is the transcript afterwards).
    let running = true;
    let agentMessages = 0;
    let customerMessages = 0;
    const inFlight: Promise<unknown>[] = [];
    const traffic = (async () => {
      let round = 0;
      while (running) {
        round++;
        await Promise.all(
          chats.map(async (c, i) => {
            await agentCall(cluster.csUrl, `/v1/chats/${c.chatId}/send`, {
              text: `agent round ${round}`,
              participantId: c.agentId,
            });
            agentMessages++;
            // Not awaited: a send whose node just went away may wait for its timeout.
            if ((i + round) % 3 === 0)
              inFlight.push(
                c.client
                  .send('sendMessage', { message: `customer round ${round}` })
                  .then(() => customerMessages++)
                  .catch(() => undefined),
              );
          }),
        );
        await new Promise((r) => setTimeout(r, 250));
      }
    })();

    const rolled: string[] = [];
    for (const node of cluster.nodes) {
      await cluster.rollNode(node, { drainMs: 500 });
      rolled.push(node.name);
      await new Promise((r) => setTimeout(r, 1500));
    }
    expect(rolled).toEqual(['gms-0', 'gms-1', 'gms-2']);
    await new Promise((r) => setTimeout(r, 2000));
    running = false;
    await traffic;
    await Promise.allSettled(inFlight);

    // Every chat still exists, and every client converges on the Chat Server's transcript.
    const lengths = new Map<string, number>();
    for (const c of chats) {
      const state = (await (await fetch(`${cluster.csUrl}/v1/chats/${c.chatId}`)).json()) as {
        chatEnded: boolean;
        transcript: { index: number }[];
      };
      expect(state.chatEnded).toBe(false);
      expect(state.transcript.map((e) => e.index)).toEqual(state.transcript.map((_, i) => i + 1));
      lengths.set(c.chatId, state.transcript.length);
    }
    // Every client catches up from the notifications it gets (after each move it resumed with
    // requestNotifications by itself): no final re-request, no allowance for stragglers.
    const caughtUp = (c: Chat): boolean => c.client.lastIndex >= (lengths.get(c.chatId) ?? 0);
    try {
      await until(
        () => chats.every(caughtUp),
        30_000,
        'every client to catch up with its transcript',
      );
    } catch (e) {
      const lagging = await Promise.all(
        chats
          .map((c, i) => ({ c, i }))
          .filter(({ c }) => !caughtUp(c))
          .map(async ({ c, i }) => {
            const chat = (await (await fetch(`${cluster.csUrl}/v1/chats/${c.chatId}`)).json()) as {
              boundNode: string | null;
            };
            return {
              chatId: c.chatId,
              variant: variants[i % variants.length]!.join('/'),
              subscribe: i % 2 === 0,
              last: c.client.lastIndex,
              want: lengths.get(c.chatId),
              sessions: c.client.sessions.length,
              subscribeFailures: c.client.subscribeFailures,
              lastResumeError: c.client.lastResumeError,
              boundNode: chat.boundNode,
            };
          }),
      );
      throw new Error(`${(e as Error).message}; lagging: ${JSON.stringify(lagging)}`, { cause: e });
    }
    const resumedClients = chats.filter((c) => c.client.resumes > 0).length;
    for (const c of chats) {
      expect(c.client.gaps(), `chat ${c.chatId}`).toEqual([]);
      expect(c.client.lastIndex).toBe(lengths.get(c.chatId));
    }
    // Every node was restarted, so every client moved at least once.
    expect(resumedClients).toBe(CHATS);
    expect(agentMessages).toBeGreaterThan(CHATS);
    expect(customerMessages).toBeGreaterThan(0);
    const subscribeRetries = chats.reduce((n, c) => n + c.client.subscribeFailures, 0);
    const handshakes = chats.reduce((n, c) => n + c.client.sessions.length, 0);
    console.log(
      `rolling restart: ${CHATS} chats, ${agentMessages} agent and ${customerMessages} customer messages, ${resumedClients} clients resumed, ${handshakes} CometD sessions, ${subscribeRetries} re-subscribes retried, 0 gaps, 0 final re-requests`,
    );

    await Promise.all(chats.map((c) => c.client.close()));
  });
});
