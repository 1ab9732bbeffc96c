// holdResponseUntil: the response of a commit that writes nothing goes out at once; one that writes
// is held and replayed in order; a failure replaces it. Real Node responses on a local server.
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { holdResponseUntil } from "../../src/express/hold-response.js";

/** Serves one request with `handle`, returns the response's status, headers and body. */
async function serve(handle: (res: ServerResponse) => void): Promise<{ status: number; headers: Headers; body: string }> {
  const server = createServer((_req, res) => handle(res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    return { status: response.status, headers: response.headers, body: await response.text() };
  } finally {
    server.close();
  }
}

describe("holdResponseUntil", () => {
  it("sends at once when beforeSend returns no promise, with its headers merged into writeHead's", async () => {
    const order: string[] = [];
    const response = await serve((res) => {
      holdResponseUntil(res, () => void (order.push("beforeSend"), res.appendHeader("Set-Cookie", "a=1")), () => order.push("error"));
      res.writeHead(200, { "Set-Cookie": "b=2", "Content-Type": "text/plain" });
      order.push(`write returned ${String(res.write("one,"))}`);
      res.end("two");
    });
    expect(order).toEqual(["beforeSend", "write returned true"]);
    expect(response).toMatchObject({ status: 200, body: "one,two" });
    expect(response.headers.getSetCookie()).toEqual(["b=2", "a=1"]);
  });

  it("holds every call while beforeSend's promise runs, then replays them in order", async () => {
    let finish: () => void = () => {};
    const response = await serve((res) => {
      holdResponseUntil(res, () => new Promise<void>((resolve) => (finish = () => (res.setHeader("X-Saved", "yes"), resolve()))), () => {});
      res.write("a");
      res.write("b");
      res.end("c");
      setTimeout(() => finish(), 20);
    });
    expect(response).toMatchObject({ status: 200, body: "abc" });
    expect(response.headers.get("x-saved")).toBe("yes");
  });

  it("drops the route's calls and hands the error over when beforeSend throws, even synchronously", async () => {
    const response = await serve((res) => {
      holdResponseUntil(res, () => {
        throw new Error("save failed");
      }, (error) => {
        res.statusCode = 503;
        res.end(String((error as Error).message));
      });
      res.setHeader("Set-Cookie", "route=1");
      res.write("route body");
      res.end();
    });
    expect(response).toMatchObject({ status: 503, body: "save failed" });
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it("forwards a call through a reference taken before the hold ended (another middleware's wrapper)", async () => {
    let beforeSendRuns = 0;
    const response = await serve((res) => {
      holdResponseUntil(res, () => void beforeSendRuns++, () => {});
      const patchedEnd = res.end; // as a compression middleware would keep it
      res.write("first,");
      (patchedEnd as (chunk: string) => void).call(res, "second");
    });
    expect(response.body).toBe("first,second");
    expect(beforeSendRuns).toBe(1);
  });
});
