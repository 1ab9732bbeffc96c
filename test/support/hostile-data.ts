import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { SessionDataError, type SessionData, type SessionManager } from "../../src/index.js";

/** Cookie-ish garbage: forged, truncated, oversized, non-base64, SQL, Unicode, repeated. */
export function hostileTokens(valid: string) {
  const [token, signature] = valid.split(".") as [string, string];
  return fc.oneof(
    fc.string(),
    fc.string({ unit: "binary", maxLength: 200 }),
    fc.string({ unit: "grapheme", maxLength: 100 }),
    fc.base64String({ minLength: 86, maxLength: 90 }),
    fc.stringMatching(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/),
    fc.constantFrom("' OR '1'='1", "'; DROP TABLE \"Session\"; --", "\u0000", "%00", "../../etc/passwd", "null", "undefined"),
    fc.nat({ max: 86 }).map((n) => valid.slice(0, n)),
    fc.string({ minLength: 1, maxLength: 3 }).map((extra) => valid + extra),
    fc.tuple(fc.nat({ max: 86 }), fc.stringMatching(/^[A-Za-z0-9_-]$/)).map(([at, c]) =>
      valid[at] === c || at === 43 ? `${valid}!` : valid.slice(0, at) + c + valid.slice(at + 1),
    ),
    fc.stringMatching(/^[A-Za-z0-9_-]{43}$/).map((forged) => `${token}.${forged}`),
    fc.stringMatching(/^[A-Za-z0-9_-]{43}$/).map((other) => `${other}.${signature}`),
    fc.string({ minLength: 5000, maxLength: 20000 }),
  );
}

/** Values JSON can and cannot represent, including the awkward ones. */
export const hostileValue = fc.oneof(
  fc.jsonValue(),
  fc.anything({
    withBigInt: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withSparseArray: true,
    withBoxedValues: true,
    withTypedArray: true,
    maxDepth: 4,
  }),
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    undefined,
    Symbol("s"),
    () => 1,
    JSON.parse('{"__proto__": {"polluted": 1}}'),
    { constructor: { prototype: { polluted: 1 } } },
    "x".repeat(70_000),
  ),
);

/** Keys, including NUL, unpaired surrogates and other code points databases refuse. */
const hostileKey = fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ unit: "binary", minLength: 1, maxLength: 8 }));

/** JSON has no -0: it is stored, and read back, as 0 (the only value that changes). */
function withoutNegativeZero(value: unknown): unknown {
  if (Object.is(value, -0)) return 0;
  if (Array.isArray(value)) return value.map(withoutNegativeZero);
  if (typeof value === "object" && value !== null) {
    const copy: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      Object.defineProperty(copy, key, { value: withoutNegativeZero(child), enumerable: true, writable: true, configurable: true });
    }
    return copy;
  }
  return value;
}

/**
 * Property: every generated key and value is either stored and read back identical, or rejected
 * with a SessionDataError naming the key, leaving the session as it was.
 */
export async function checkHostileData(manager: SessionManager<SessionData, unknown, number>, runs: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(hostileKey, hostileValue, async (rawKey, value) => {
      const key = rawKey.startsWith("$") || rawKey === "__proto__" ? `k${rawKey}` : rawKey;
      const session = manager.create();
      session.set("existing", 1);
      let rejected: unknown;
      try {
        session.set(key, value as never);
      } catch (error) {
        rejected = error;
      }
      if (rejected !== undefined) {
        expect(rejected).toBeInstanceOf(SessionDataError);
        expect((rejected as SessionDataError).key).toBe(key);
        expect(session.keys()).toEqual(["existing"]);
        return;
      }
      await manager.commit(session);
      const loaded = await manager.load(manager.signedToken(session));
      if (value === undefined) expect(loaded.has(key)).toBe(false);
      else expect(isDeepStrictEqual(loaded.get(key), withoutNegativeZero(value))).toBe(true);
    }),
    { numRuns: runs },
  );
}
