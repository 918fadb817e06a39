/**
 * A small pool of RESP connections to one redis-server. Each request group goes to an idle connection when
 * there is one, else to a new one up to `maxConnections`, else it is pipelined behind the least busy one.
 * Dead connections are dropped, so after redis-server restarts the next request simply connects again.
 */
import { RespConnection } from "./connection";
import type { RespReply } from "./resp";

export interface RedisClientOptions {
  host: string;
  port: number;
  /** Default 2000 ms. */
  connectTimeoutMs?: number;
  /** Default 8. More connections only help while a slow command (a long script, say) holds one. */
  maxConnections?: number;
}

export class RedisClient {
  private connections: RespConnection[] = [];
  private readonly opening = new Set<Promise<RespConnection>>();
  private closed = false;

  constructor(private readonly opts: RedisClientOptions) {}

  /**
   * Sends a group of commands in one write on one connection and resolves with their replies in order.
   * Rejects with RedisUnavailableError when redis-server cannot be reached or drops the connection.
   */
  async send(commands: readonly (readonly Buffer[])[]): Promise<RespReply[]> {
    const connection = await this.acquire();
    return connection.send(commands);
  }

  /** Closes every connection; pending groups fail. */
  close(): void {
    this.closed = true;
    for (const c of this.connections) c.close();
    this.connections = [];
  }

  private async acquire(): Promise<RespConnection> {
    this.connections = this.connections.filter((c) => c.alive);
    const idle = this.connections.find((c) => c.inFlight === 0);
    if (idle) return idle;
    const max = this.opts.maxConnections ?? 8;
    if (this.connections.length + this.opening.size < max) return this.open();
    const leastBusy = [...this.connections].sort((a, b) => a.inFlight - b.inFlight)[0];
    if (leastBusy) return leastBusy;
    // Every slot is still connecting: share the first connection to come up.
    const first = [...this.opening][0];
    return first ?? this.open();
  }

  private async open(): Promise<RespConnection> {
    const attempt = RespConnection.open({
      host: this.opts.host,
      port: this.opts.port,
      connectTimeoutMs: this.opts.connectTimeoutMs ?? 2000,
    });
    this.opening.add(attempt);
    try {
      const connection = await attempt;
      if (this.closed) connection.close();
      else this.connections.push(connection);
      return connection;
    } finally {
      this.opening.delete(attempt);
    }
  }
}
