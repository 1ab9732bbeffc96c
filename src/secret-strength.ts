const MIN_SECRET_LENGTH = 32;
/** Bits of entropy a secret must show, estimated from its character frequencies. */
const MIN_ESTIMATED_BITS = 80;
/** A substring this long appearing twice means a repeated phrase, which a random secret practically never has. */
const REPEAT_LENGTH = 8;

/** How to make a secret that passes: printed with every refusal. */
export const SECRET_ADVICE =
  'generate one with `node -e "console.log(crypto.randomBytes(32).toString(\'base64url\'))"` or `openssl rand -base64 32`';

/**
 * Why `secret` is too weak to sign session tokens, or `null` when it will do: at least 32 characters,
 * no repeated phrase, and at least 80 bits by its character frequencies (a random hex or base64
 * string of 32 characters has 90 to 190; `"a".repeat(32)` has none).
 */
export function weakSecretReason(secret: unknown): string | null {
  if (typeof secret !== "string") return "it is not a string";
  if (secret.length < MIN_SECRET_LENGTH) return `it has ${secret.length} characters, fewer than ${MIN_SECRET_LENGTH}`;
  const seen = new Set<string>();
  for (let index = 0; index + REPEAT_LENGTH <= secret.length; index++) {
    const part = secret.slice(index, index + REPEAT_LENGTH);
    if (seen.has(part)) return "it repeats a phrase";
    seen.add(part);
  }
  const bits = estimatedBits(secret);
  if (bits < MIN_ESTIMATED_BITS) return `it has about ${Math.floor(bits)} bits of entropy, fewer than ${MIN_ESTIMATED_BITS}`;
  return null;
}

/** Shannon entropy of the string's character distribution, times its length. */
function estimatedBits(text: string): number {
  const counts = new Map<string, number>();
  for (const character of text) counts.set(character, (counts.get(character) ?? 0) + 1);
  let bitsPerCharacter = 0;
  const length = [...text].length;
  for (const count of counts.values()) bitsPerCharacter -= (count / length) * Math.log2(count / length);
  return bitsPerCharacter * length;
}
