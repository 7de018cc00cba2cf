// Baseline "transport limit": raw node:http answering JSON (parse the body, answer a small object), and a raw
// `ws` server on the same port answering each JSON message. No framework, no validation, no storage.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

let n = 0;
const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let input: unknown = null;
    if (chunks.length) {
      try {
        input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"bad json"}');
        return;
      }
    }
    const body = JSON.stringify({ ok: true, n: ++n, echo: typeof input === 'object' && input ? Object.keys(input).length : 0 });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  });
});
server.keepAliveTimeout = 5_000;
const wss = new WebSocketServer({ server });
wss.on('connection', (ws) => {
  ws.on('message', (data) => {
    let msg: { id?: unknown };
    try {
      msg = JSON.parse(data.toString()) as { id?: unknown };
    } catch {
      return;
    }
    ws.send(JSON.stringify({ id: msg.id, result: { type: 'data', data: { ok: true, n: ++n } } }));
  });
});
server.listen(0, '127.0.0.1', () => {
  console.log(`raw listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
process.once('SIGTERM', () => process.exit(0));
