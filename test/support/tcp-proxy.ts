import net from "node:net";

/**
 * A TCP proxy in front of a database, to cut the connection under a running app: `refuse()` drops
 * every connection and refuses new ones, `blackhole()` accepts connections but forwards nothing (a
 * hung network), `restore()` forwards again.
 */
export class TcpProxy {
  #mode: "forward" | "refuse" | "blackhole" = "forward";
  readonly #sockets = new Set<net.Socket>();
  readonly #server: net.Server;

  private constructor(private readonly target: { host: string; port: number }) {
    this.#server = net.createServer((client) => this.#accept(client));
  }

  /** Starts a proxy to `host:port` on an ephemeral loopback port. */
  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    await new Promise<void>((resolve) => proxy.#server.listen(0, "127.0.0.1", resolve));
    return proxy;
  }

  get port(): number {
    return (this.#server.address() as net.AddressInfo).port;
  }

  refuse(): void {
    this.#mode = "refuse";
    this.#dropAll();
  }

  blackhole(): void {
    this.#mode = "blackhole";
    this.#dropAll();
  }

  restore(): void {
    this.#mode = "forward";
  }

  async close(): Promise<void> {
    this.#dropAll();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: net.Socket): void {
    this.#sockets.add(client);
    client.on("close", () => this.#sockets.delete(client));
    client.on("error", () => client.destroy());
    if (this.#mode === "refuse") {
      client.destroy();
      return;
    }
    if (this.#mode === "blackhole") return;
    const upstream = net.connect(this.target.port, this.target.host);
    this.#sockets.add(upstream);
    upstream.on("close", () => {
      this.#sockets.delete(upstream);
      client.destroy();
    });
    upstream.on("error", () => upstream.destroy());
    client.on("close", () => upstream.destroy());
    client.pipe(upstream).pipe(client);
  }

  #dropAll(): void {
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
  }
}
