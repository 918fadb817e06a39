/**
 * One TCP connection to redis-server. A request group (one command, a pipeline, or MULTI..EXEC) is written
 * in a single socket write and its replies are read back in order, so groups never interleave on the wire.
 * Several groups may be in flight at once (RESP pipelining); replies are matched to groups first in, first out.
 */

import { connect, type Socket } from "node:net";
import type { Pending } from "../common/pending";
import { encodeCommands, RespParser, type RespReply } from "./resp";

/** redis-server could not be reached, or the connection broke before every reply arrived. */
export class RedisUnavailableError extends Error {
  override name = "RedisUnavailableError";
}

interface PendingGroup extends Pending<RespReply[]> {
  expected: number;
  replies: RespReply[];
}

export interface ConnectOptions {
  host: string;
  port: number;
  /** How long to wait for the TCP connection before giving up. */
  connectTimeoutMs: number;
}

export class RespConnection {
  private readonly parser = new RespParser();
  private readonly pending: PendingGroup[] = [];
  private closedReason: string | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (err) => this.fail(`connection error: ${err.message}`));
    socket.on("close", () => this.fail("connection closed by redis-server"));
  }

  /** Opens a connection, rejecting with RedisUnavailableError on refusal, error or timeout. */
  static open(opts: ConnectOptions): Promise<RespConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: opts.host, port: opts.port });
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(
          new RedisUnavailableError(
            `no connection to ${opts.host}:${opts.port} within ${opts.connectTimeoutMs} ms`,
          ),
        );
      }, opts.connectTimeoutMs);
      const onError = (err: Error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(new RedisUnavailableError(`cannot connect to ${opts.host}:${opts.port}: ${err.message}`));
      };
      socket.once("error", onError);
      socket.once("connect", () => {
        clearTimeout(timer);
        socket.off("error", onError);
        resolve(new RespConnection(socket));
      });
    });
  }

  get alive(): boolean {
    return this.closedReason === undefined;
  }

  /** Request groups written but not fully answered yet. */
  get inFlight(): number {
    return this.pending.length;
  }

  /** Writes all commands in one write and resolves with one reply per command, in order. */
  send(commands: readonly (readonly Buffer[])[]): Promise<RespReply[]> {
    if (this.closedReason !== undefined) {
      return Promise.reject(new RedisUnavailableError(this.closedReason));
    }
    if (commands.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.pending.push({ expected: commands.length, replies: [], resolve, reject });
      this.socket.write(encodeCommands(commands));
    });
  }

  close(): void {
    this.fail("connection closed by the front end");
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    let replies: RespReply[];
    try {
      replies = this.parser.feed(chunk);
    } catch (err) {
      this.fail(`unreadable reply from redis-server: ${(err as Error).message}`);
      this.socket.destroy();
      return;
    }
    for (const reply of replies) {
      const group = this.pending[0];
      if (!group) {
        this.fail("redis-server sent a reply nobody asked for");
        this.socket.destroy();
        return;
      }
      group.replies.push(reply);
      if (group.replies.length === group.expected) {
        this.pending.shift();
        group.resolve(group.replies);
      }
    }
  }

  private fail(reason: string): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    for (const group of this.pending.splice(0)) group.reject(new RedisUnavailableError(reason));
  }
}
