import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { freePort } from './ports';

function listenOn(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => resolve(server));
  });
}

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('freePort', () => {
  it('given many calls, then each port is new, below the ephemeral range, and a listener binds it on every interface', async () => {
    const firstEphemeral = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    const ports: number[] = [];
    for (let i = 0; i < 40; i++) ports.push(await freePort());

    expect(new Set(ports).size).toBe(ports.length);
    expect(ports.filter((port) => port < 10_000 || port >= firstEphemeral)).toEqual([]);
    const servers = await Promise.all(ports.map(listenOn));
    await Promise.all(servers.map(close));
  });
});
