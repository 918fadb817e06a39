/**
 * Listening for an emulator: on `host:port` (port 0 picks a free one) and, for the default 127.0.0.1, on ::1 at
 * the same port when it is free there too, so that `localhost` works whichever address a client tries first.
 * Closing ends every open connection rather than waiting for keep-alive ones to go idle.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";

export interface Listening {
  host: string;
  port: number;
  close(): Promise<void>;
}

export async function listenOnLoopback(
  onRequest: (req: IncomingMessage, res: ServerResponse) => void,
  listen: { port: number; host?: string | undefined },
): Promise<Listening> {
  const sockets = new Set<Socket>();
  const servers: Server[] = [];
  const listenOn = (host: string, port: number) =>
    new Promise<Server>((resolve, reject) => {
      const server = createServer(onRequest);
      server.keepAliveTimeout = 5000;
      server.on("connection", (s) => {
        sockets.add(s);
        s.on("close", () => sockets.delete(s));
      });
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve(server);
      });
    });

  const host = listen.host ?? "127.0.0.1";
  const primary = await listenOn(host, listen.port);
  servers.push(primary);
  const address = primary.address();
  const port = typeof address === "object" && address ? address.port : listen.port;
  if (host === "127.0.0.1") {
    try {
      servers.push(await listenOn("::1", port));
    } catch {
      // No IPv6 loopback, or the port is taken there: 127.0.0.1 alone is fine.
    }
  }
  return {
    host,
    port,
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}
