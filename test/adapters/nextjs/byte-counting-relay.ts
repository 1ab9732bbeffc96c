import net from "node:net";

/**
 * A TCP relay that counts the bytes its clients send upstream: put in front of a database, it shows
 * whether an app sent any statement while a request was served.
 */
export class ByteCountingRelay {
  /** Bytes received from clients (and forwarded upstream) so far. */
  bytesFromClients = 0;
  readonly #sockets = new Set<net.Socket>();
  readonly #server: net.Server;

  private constructor(private readonly target: { host: string; port: number }) {
    this.#server = net.createServer((client) => this.#accept(client));
  }

  /** Starts a relay to `host:port` on an ephemeral loopback port. */
  static async start(target: { host: string; port: number }): Promise<ByteCountingRelay> {
    const relay = new ByteCountingRelay(target);
    await new Promise<void>((resolve) => relay.#server.listen(0, "127.0.0.1", resolve));
    return relay;
  }

  get port(): number {
    return (this.#server.address() as net.AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: net.Socket): void {
    const upstream = net.connect(this.target.port, this.target.host);
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket);
      socket.on("error", () => socket.destroy());
      socket.on("close", () => {
        this.#sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on("data", (chunk: Buffer) => {
      this.bytesFromClients += chunk.length;
    });
    client.pipe(upstream).pipe(client);
  }
}
