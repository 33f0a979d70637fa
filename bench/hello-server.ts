/**
 * The machine's ceiling: a bare node:http server answering "hello" on 127.0.0.1:PORT (env PORT).
 * Prints "listening <port>" once it accepts connections.
 */
import http from 'node:http';

const port = Number(process.env.PORT ?? 0);
const body = Buffer.from('hello');

const server = http.createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
  response.end(body);
});
server.keepAliveTimeout = 30_000;
server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : port}\n`);
});
const stop = (): void => {
  server.close();
  server.closeAllConnections();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
