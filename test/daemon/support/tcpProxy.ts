/**
 * A loopback TCP proxy in front of the daemon, for failures a real network has: a response lost after the daemon
 * acted on the request, or every connection cut at once. It rewrites the Host header to the daemon's own, which the
 * daemon's DNS-rebinding check insists on.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  url: string;
  port: number;
  /** Connections accepted so far. */
  connections(): number;
  /** The next response chunk from the daemon is swallowed and both sides are cut: the request was applied, the reply lost. */
  dropNextResponse(): void;
  /** The next request is not forwarded: the proxy answers it with this status and a contract error body, then closes. */
  answerNextWith(status: number, code: string): void;
  /** Open connections stay open but carry nothing more, either way: a peer that vanished without closing. */
  freezeAll(): void;
  /** Cuts every open connection (e.g. a WebSocket) now. */
  cutAll(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const frozen = new WeakSet<Socket>();
  let accepted = 0;
  let dropNext = false;
  let answerNext: { status: number; code: string } | undefined;
  let port = 0;
  const server: Server = createServer((client) => {
    accepted++;
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    const forget = (): void => {
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('data', (chunk: Buffer) => {
      if (frozen.has(client)) return;
      if (answerNext) {
        const { status, code } = answerNext;
        answerNext = undefined;
        const body = JSON.stringify({ error: { code, message: 'injected by the test proxy' } });
        client.end(
          `HTTP/1.1 ${status} Injected\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
        );
        upstream.destroy();
        return;
      }
      upstream.write(Buffer.from(chunk.toString('latin1').replaceAll(`127.0.0.1:${port}`, `127.0.0.1:${targetPort}`), 'latin1'));
    });
    upstream.on('data', (chunk: Buffer) => {
      if (frozen.has(upstream)) return;
      if (dropNext) {
        dropNext = false;
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(chunk);
    });
    client.on('close', () => {
      upstream.destroy();
      forget();
    });
    upstream.on('close', () => {
      client.destroy();
      forget();
    });
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    connections: () => accepted,
    dropNextResponse: () => {
      dropNext = true;
    },
    answerNextWith: (status, code) => {
      answerNext = { status, code };
    },
    freezeAll: () => {
      for (const socket of sockets) frozen.add(socket);
    },
    cutAll: () => {
      for (const socket of sockets) socket.destroy();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
