// holdResponseUntil: the response of a commit that writes nothing goes out at once; one that writes
// is held and replayed in order; a failure replaces it. Real Node responses on a local server.
import { createServer, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { holdResponseUntil, prepareResponseHolds } from "../../src/express/hold-response.js";

/** Serves one request with `handle`, returns the response's status, headers and body. */
async function serve(
  handle: (res: ServerResponse) => void,
  Response: typeof ServerResponse = ServerResponse,
): Promise<{ status: number; headers: Headers; body: string }> {
  const server = createServer({ ServerResponse: Response }, (_req, res) => handle(res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    return { status: response.status, headers: response.headers, body: await response.text() };
  } finally {
    server.close();
  }
}

// Each case runs twice: first with the held methods as the response's own properties, then (after
// prepareResponseHolds) inherited from Node's response prototype. The describe blocks run in order.
describe.each([
  ["as the response's own properties", () => {}],
  ["inherited from the prototype", prepareResponseHolds],
])("holdResponseUntil, held methods %s", (_mode, prepare) => {
  beforeAll(prepare);

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

describe("holdResponseUntil after prepareResponseHolds", () => {
  beforeAll(prepareResponseHolds);

  it("adds nothing to the response, and holds a call through a method a middleware kept before the hold", async () => {
    let ownMethods: string[] = [];
    let finish: () => void = () => {};
    const response = await serve((res) => {
      const keptEnd = res.end; // as compression keeps it, before the session middleware runs
      holdResponseUntil(res, () => new Promise<void>((resolve) => (finish = () => (res.setHeader("X-Saved", "yes"), resolve()))), () => {});
      ownMethods = ["writeHead", "write", "end", "flushHeaders"].filter((method) => Object.hasOwn(res, method));
      (keptEnd as (chunk: string) => void).call(res, "kept");
      setTimeout(() => finish(), 20);
    });
    expect(ownMethods).toEqual([]);
    expect(response).toMatchObject({ status: 200, body: "kept" });
    expect(response.headers.get("x-saved")).toBe("yes");
  });

  it("stacks a second hold on the same response: the later one saves first, then the earlier one", async () => {
    const order: string[] = [];
    const response = await serve((res) => {
      holdResponseUntil(res, () => new Promise<void>((resolve) => setTimeout(() => (order.push("first"), res.appendHeader("Set-Cookie", "first=1"), resolve()), 10)), () => {});
      holdResponseUntil(res, () => new Promise<void>((resolve) => setTimeout(() => (order.push("second"), res.appendHeader("Set-Cookie", "second=2"), resolve()), 10)), () => {});
      res.end("both");
    });
    expect(order).toEqual(["second", "first"]);
    expect(response.body).toBe("both");
    expect(response.headers.getSetCookie()).toEqual(["second=2", "first=1"]);
  });

  it("replays a writeHead repeated while held once: the headers went with the first", async () => {
    const response = await serve((res) => {
      holdResponseUntil(res, () => new Promise<void>((resolve) => setTimeout(resolve, 10)), () => {});
      res.writeHead(202, { "X-First": "yes" });
      res.writeHead(202); // compression calls writeHead before each write while headersSent is false
      res.end("accepted");
    });
    expect(response).toMatchObject({ status: 202, body: "accepted" });
    expect(response.headers.get("x-first")).toBe("yes");
  });

  it("forwards to a method patched on Node's OutgoingMessage prototype after the install (an APM agent's)", async () => {
    const prototype = Object.getPrototypeOf(ServerResponse.prototype) as { end: (...args: unknown[]) => unknown };
    const end = prototype.end;
    let seen = 0;
    prototype.end = function (this: unknown, ...args: unknown[]) {
      seen++;
      return end.apply(this, args);
    };
    try {
      const response = await serve((res) => {
        holdResponseUntil(res, () => new Promise<void>((resolve) => setTimeout(resolve, 10)), () => {});
        res.end("observed");
      });
      expect(response.body).toBe("observed");
      expect(seen).toBe(1);
    } finally {
      prototype.end = end;
    }
  });
});

describe("holdResponseUntil on a response whose methods were wrapped before the hold", () => {
  beforeAll(prepareResponseHolds);

  it("holds above a middleware's wrapper, so a failed save's error response goes through it once, untouched", async () => {
    const wrapped: string[] = [];
    const response = await serve((res) => {
      const end = res.end;
      res.end = function (this: ServerResponse, ...args: unknown[]) {
        wrapped.push(String(args[0])); // compression keeps state here: it must see the error response only
        return (end as (...args: unknown[]) => ServerResponse).apply(this, args);
      } as typeof res.end;
      holdResponseUntil(res, () => Promise.reject(new Error("save failed")), (error) => {
        res.statusCode = 503;
        res.end(String((error as Error).message));
      });
      res.end("route body");
    });
    expect(response).toMatchObject({ status: 503, body: "save failed" });
    expect(wrapped).toEqual(["save failed"]);
  });

  it("holds above the overrides of a ServerResponse subclass (light-my-request's kind)", async () => {
    const order: string[] = [];
    class RecordingResponse extends ServerResponse {
      override end(...args: unknown[]): this {
        order.push("subclass end");
        return (super.end as (...args: unknown[]) => this)(...args);
      }
    }
    const response = await serve((res) => {
      holdResponseUntil(res, () => new Promise<void>((resolve) => setTimeout(() => (order.push("saved"), resolve()), 10)), () => {});
      res.end("done");
    }, RecordingResponse as typeof ServerResponse);
    expect(response.body).toBe("done");
    expect(order).toEqual(["saved", "subclass end"]);
  });

  it("hands a replayed call that throws (a header Node refuses) to onError instead of an unhandled rejection", async () => {
    const errors: string[] = [];
    const response = await serve((res) => {
      holdResponseUntil(res, () => new Promise<void>((resolve) => setTimeout(resolve, 10)), (error) => {
        errors.push((error as { code?: string }).code ?? String(error));
        res.statusCode = 500;
        res.end("replay failed");
      });
      res.writeHead(200, { "X-Bad": "line\nbreak" });
      res.end("never sent");
    });
    expect(errors).toEqual(["ERR_INVALID_CHAR"]);
    expect(response).toMatchObject({ status: 500, body: "replay failed" });
  });
});
