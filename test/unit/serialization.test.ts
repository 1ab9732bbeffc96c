import { inspect } from "node:util";
import { ConflictError, MemoryStore, SessionManager, SessionStoreError } from "../../src/index.js";

const secret = "Wq1v9Zp0s3BXe7Lk2Ry5Nc8Ud4Hf6Jm0Tg1Ai3Ko5";
const IP = "203.0.113.77";
const AGENT = "Mozilla/5.0 (X11; secret-agent-string)";

/** Everything a careless app might print or send of an object. */
function renderings(value: unknown): string[] {
  const shown = [inspect(value), inspect(value, { depth: Infinity, showHidden: true })];
  for (const render of [() => String(value), () => JSON.stringify(value) ?? ""]) {
    try {
      shown.push(render());
    } catch (error) {
      shown.push((error as Error).message);
    }
  }
  return shown;
}

describe("Nothing serializes a session's internals", () => {
  it("sessions, namespaces, the data proxy and the manager show no token, client details or other namespaces", async () => {
    const store = new MemoryStore<number, { id: number }>([[1, { id: 1 }]]);
    const manager = new SessionManager<Record<string, unknown>, { id: number }, number>(store, { secret });
    const created = manager.create({ ipAddress: IP, userAgent: AGENT });
    await created.setUser(1);
    created.set("plain", "visible");
    created.namespace("billing").set("card", "4111-private");
    created.namespace("prefs").set("theme", "dark");
    created.flash("info", "flash-private");
    const action = await manager.commit(created);
    const signed = action.type === "set" ? action.token : "";
    expect((await store.load(created.id))?.record).toMatchObject({ ipAddress: IP, userAgent: AGENT });
    const rawToken = signed.split(".")[0]!;
    const session = await manager.load(signed);
    const prefs = session.namespace("prefs");
    const secrets = [signed, rawToken, secret];
    const objects: [string, unknown, string[]][] = [
      ["session", session, [...secrets, IP, AGENT, "4111-private", "flash-private", "theme"]],
      ["namespace", prefs, [...secrets, IP, AGENT, "4111-private", "flash-private", "visible"]],
      ["session.data", session.data, [...secrets, "4111-private", "flash-private"]],
      ["manager", manager, [...secrets]],
      ["store", store, [...secrets]],
      ["error", new ConflictError(`Session ${session.id} kept changing`), [...secrets]],
      ["store error", new SessionStoreError("Session store failed"), [...secrets]],
    ];
    for (const [name, object, hidden] of objects) {
      for (const text of renderings(object)) {
        for (const value of hidden) expect({ name, leaked: text.includes(value) ? value : null }).toEqual({ name, leaked: null });
      }
    }
    expect(JSON.parse(JSON.stringify(prefs))).toEqual({ theme: "dark" });
    expect(JSON.parse(JSON.stringify(session))).toMatchObject({ id: session.id, userId: 1, data: { plain: "visible" } });
    expect(inspect(session)).toContain(session.id);
    expect(JSON.parse(JSON.stringify(manager))).toMatchObject({ store: "MemoryStore", options: { idleTimeout: 30 * 60_000 } });
  });
});
