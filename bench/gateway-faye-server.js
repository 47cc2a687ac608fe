// A plain faye server doing the same publish/deliver work as the gateway, for comparison
// (bench/gateway.bench.js): clients subscribe to /chat/out/<id> and publish on /chat/in/<id>;
// an in-process "agent" answers each message on the sender's /chat/out/<id>. No GMS logic,
// no Chat Server hop. Prints "listening <port>" when ready.
import { createServer } from 'node:http';
import faye from 'faye';

const bayeux = new faye.NodeAdapter({ mount: '/genesys/cometd', timeout: 30 });
const server = createServer();
bayeux.attach(server);
const agent = bayeux.getClient();
agent.subscribe('/chat/in/*', (msg) => {
  agent.publish(`/chat/out/${msg.id}`, { text: `You wrote: ${msg.text}` });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
