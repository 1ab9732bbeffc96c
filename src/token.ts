// The namespace too: `crypto.hash` is looked up, not imported by name, since Node before 20.12 lacks it.
import * as crypto from "node:crypto";
import { createHash, createHmac, createSecretKey, randomBytes, randomFillSync, timingSafeEqual, type KeyObject } from "node:crypto";
import { startupSnapshot } from "node:v8";

/** Random bytes in a session token: 256 bits from the OS CSPRNG. */
const TOKEN_BYTES = 32;
/** Tokens' worth of random bytes fetched from the CSPRNG at once. */
const POOLED_TOKENS = 64;
const BASE64URL_43 = /^[A-Za-z0-9_-]{43}$/;
/** A signed token is `<token>.<signature>`, both 43 base64url characters. */
const SIGNED_TOKEN_LENGTH = 43 + 1 + 43;

/**
 * Random bytes for the next tokens, fetched from Node's CSPRNG {@link POOLED_TOKENS} tokens at a time:
 * a `randomBytes` call per token took about 14 µs of a new session's request in V8 profiles of the
 * bench (the call's overhead, not the 32 bytes), a slice of this buffer well under 1 µs. A buffer of
 * its own, never Node's shared pool; each token's bytes are zeroed once taken, so it holds only bytes
 * of tokens not issued yet.
 */
const randomPool = Buffer.alloc(TOKEN_BYTES * POOLED_TOKENS);
let randomPoolOffset = randomPool.length;

/** Creates a new random session token (base64url, 256 bits). */
export function generateToken(): string {
  // Bytes pooled while a startup snapshot is built would be in it, the same in every process started from it.
  if (startupSnapshot.isBuildingSnapshot()) return randomBytes(TOKEN_BYTES).toString("base64url");
  if (randomPoolOffset === randomPool.length) {
    randomFillSync(randomPool);
    randomPoolOffset = 0;
  }
  const start = randomPoolOffset;
  randomPoolOffset += TOKEN_BYTES;
  const token = randomPool.toString("base64url", start, randomPoolOffset);
  randomPool.fill(0, start, randomPoolOffset);
  return token;
}

/** The id under which a token's session is stored: hex SHA-256 of the token. Safe to log and show. */
export function sessionIdOf(token: string): string {
  return sha256Hex(token);
}

/** Hex SHA-256: Node's one-shot `crypto.hash` where it exists (20.12+), which allocates no Hash object. */
const sha256Hex: (text: string) => string =
  typeof crypto.hash === "function"
    ? (text) => crypto.hash("sha256", text, "hex")
    : (text) => createHash("sha256").update(text).digest("hex");

/**
 * Signs and verifies tokens with HMAC-SHA256. Signing uses the first secret; verification accepts
 * any of them, so secrets can be rotated without logging everybody out.
 */
export class TokenSigner {
  /** The secrets as HMAC keys, imported once rather than on every signature. */
  readonly #secrets: readonly KeyObject[];

  constructor(secrets: readonly string[]) {
    this.#secrets = secrets.map((secret) => createSecretKey(Buffer.from(secret, "utf8")));
  }

  /**
   * Returns `<token>.<signature>`, the value a client holds. A token signed for a `channel` (the
   * header transport signs for `"header"`) verifies only for that channel, so a token cannot move
   * from one transport to another (an HttpOnly cookie's token replayed as a bearer header, say).
   */
  sign(token: string, channel?: string): string {
    return `${token}.${this.#mac(this.#secrets[0]!, token, channel)}`;
  }

  /**
   * Returns the token inside a signed value, or `null` when the value is malformed or its signature
   * matches none of the secrets for `channel`. Does no I/O; the comparison is constant-time.
   */
  verify(signed: string, channel?: string): string | null {
    if (typeof signed !== "string" || signed.length !== SIGNED_TOKEN_LENGTH || signed[43] !== ".") return null;
    const token = signed.slice(0, 43);
    const signature = signed.slice(44);
    if (!BASE64URL_43.test(token) || !BASE64URL_43.test(signature)) return null;
    // Compare the text, not decoded bytes: base64url has several spellings of the same last byte.
    const given = Buffer.from(signature, "latin1");
    let valid = false;
    for (const secret of this.#secrets) {
      // Check every secret so the time taken does not reveal which one matched.
      if (timingSafeEqual(given, Buffer.from(this.#mac(secret, token, channel), "latin1"))) valid = true;
    }
    return valid ? token : null;
  }

  /** A value derived from `input` that only the holder of the secret can compute (a CSRF token, for one). */
  derive(purpose: string, input: string): string {
    return this.#derive(this.#secrets[0]!, purpose, input);
  }

  /** Whether `value` is what {@link derive} gives for `input` under any of the secrets (constant-time). */
  verifyDerived(purpose: string, input: string, value: unknown): boolean {
    if (typeof value !== "string" || value.length !== 43) return false;
    const given = Buffer.from(value, "latin1");
    let valid = false;
    for (const secret of this.#secrets) {
      if (timingSafeEqual(given, Buffer.from(this.#derive(secret, purpose, input), "latin1"))) valid = true;
    }
    return valid;
  }

  #derive(secret: KeyObject, purpose: string, input: string): string {
    return createHmac("sha256", secret).update(`${purpose}\0${input}`).digest("base64url");
  }

  #mac(secret: KeyObject, token: string, channel: string | undefined): string {
    // The cookie channel signs the bare token: the format every cookie issued so far carries.
    return createHmac("sha256", secret).update(channel === undefined ? token : `${channel}\0${token}`).digest("base64url");
  }
}
