import { generateToken, sessionIdOf, TokenSigner } from "../../src/token.js";

const secretA = "a".repeat(32);
const secretB = "b".repeat(32);

describe("tokens", () => {
  it("are 256 random bits, base64url, and never repeat", () => {
    // Many times the tokens fetched from the OS at once: every refill of the pool is crossed.
    const tokens = new Set(Array.from({ length: 1000 }, generateToken));
    expect(tokens.size).toBe(1000);
    for (const token of tokens) {
      const bytes = Buffer.from(token, "base64url");
      expect(bytes).toHaveLength(32);
      // Not bytes the pool zeroed after taking them.
      expect(bytes.equals(Buffer.alloc(32))).toBe(false);
    }
  });

  it("are stored as the hex SHA-256, which reveals nothing of the token", () => {
    const token = generateToken();
    const id = sessionIdOf(token);
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(id).not.toContain(token);
    expect(sessionIdOf(token)).toBe(id);
  });

  it("verify only with a signature made by one of the secrets", () => {
    const token = generateToken();
    const signed = new TokenSigner([secretA]).sign(token);
    expect(new TokenSigner([secretA]).verify(signed)).toBe(token);
    expect(new TokenSigner([secretB]).verify(signed)).toBeNull();
    // Rotation: the new secret signs, the old one still verifies.
    expect(new TokenSigner([secretB, secretA]).verify(signed)).toBe(token);
    expect(new TokenSigner([secretB, secretA]).sign(token)).toBe(new TokenSigner([secretB]).sign(token));
  });

  it("reject tampered, truncated and malformed values", () => {
    const signer = new TokenSigner([secretA]);
    const signed = signer.sign(generateToken());
    const flip = (text: string, at: number) =>
      text.slice(0, at) + (text[at] === "A" ? "B" : "A") + text.slice(at + 1);
    for (const bad of [
      "",
      "x",
      signed.slice(0, -1),
      `${signed}A`,
      flip(signed, 0),
      flip(signed, 86),
      signed.replace(".", "-"),
      `${signed.slice(0, 43)}.${signed.slice(0, 43)}`,
      "' OR 1=1 --".padEnd(87, "x"),
      "é".repeat(87),
    ]) {
      expect(signer.verify(bad)).toBeNull();
    }
  });
});
