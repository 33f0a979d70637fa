/**
 * Debian's nginx in front of a small app, protected by twofold's forward auth with `auth_request` — the
 * configuration README "Reverse proxies" documents, with the ports of the test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface Nginx {
  /** The protected app, through nginx (e.g. http://127.0.0.1:41234). */
  readonly url: string;
  /** host:port as nginx reports it (the host rule to register). */
  readonly host: string;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The app behind the proxy: shows the identity headers nginx passed on. */
function startApp(port: number): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    const h = (name: string) => String(request.headers[name] ?? '');
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><html lang="en"><head><title>Wiki</title></head><body><main><h1>Wiki</h1>
<p id="user">${h('remote-user')}</p><p id="email">${h('remote-email')}</p><p id="groups">${h('remote-groups')}</p><p id="path">${request.url}</p></main></body></html>`);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

export function nginxConfig(o: { dir: string; port: number; appPort: number; twofold: string }): string {
  return `daemon off;
master_process off;
pid ${o.dir}/nginx.pid;
error_log ${o.dir}/error.log warn;
events {}
http {
  access_log off;
  client_body_temp_path ${o.dir}/body; proxy_temp_path ${o.dir}/proxy; fastcgi_temp_path ${o.dir}/fastcgi;
  uwsgi_temp_path ${o.dir}/uwsgi; scgi_temp_path ${o.dir}/scgi;
  server {
    listen 127.0.0.1:${o.port};
    location / {
      auth_request /.twofold/auth;
      auth_request_set $tf_user $upstream_http_remote_user;
      auth_request_set $tf_email $upstream_http_remote_email;
      auth_request_set $tf_name $upstream_http_remote_name;
      auth_request_set $tf_groups $upstream_http_remote_groups;
      auth_request_set $tf_signin $upstream_http_location;
      error_page 401 =302 $tf_signin;
      proxy_set_header Remote-User $tf_user;
      proxy_set_header Remote-Email $tf_email;
      proxy_set_header Remote-Name $tf_name;
      proxy_set_header Remote-Groups $tf_groups;
      proxy_pass http://127.0.0.1:${o.appPort};
    }
    location = /.twofold/auth {
      internal;
      proxy_pass ${o.twofold}/api/v1/forward-auth;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-URL $scheme://$http_host$request_uri;
      proxy_set_header X-Forwarded-Method $request_method;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $http_host;
      proxy_set_header X-Forwarded-Uri $request_uri;
    }
    location /.twofold/ {
      proxy_pass ${o.twofold}/forward-auth/;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $http_host;
    }
  }
}
`;
}

export async function startNginx(twofold: string): Promise<Nginx> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twofold-nginx-'));
  const [port, appPort] = [await freePort(), await freePort()];
  const app = await startApp(appPort);
  fs.writeFileSync(path.join(dir, 'nginx.conf'), nginxConfig({ dir, port, appPort, twofold }));
  const child: ChildProcess = spawn('nginx', ['-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => (socket.end(), resolve(true)));
      socket.on('error', () => resolve(false));
    });
    if (up) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    host: `127.0.0.1:${port}`,
    async close() {
      child.kill('SIGTERM');
      await new Promise((resolve) => app.close(() => resolve(undefined)));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
