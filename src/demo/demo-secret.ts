import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

/** The secret that signs the demo's session tokens, and where it came from. */
export interface DemoSecret {
  secret: string;
  /** One line for the start-up log. */
  source: string;
}

const MIN_LENGTH = 32;

/**
 * `SESSION_SECRET` when set; else the secret saved in `<dataDir>/secret`, generated (256 random
 * bits, file mode 0600) on first start, so sessions survive restarts.
 * @throws Error when the saved or given secret is too short.
 */
export async function loadDemoSecret(dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<DemoSecret> {
  const fromEnv = env.SESSION_SECRET;
  if (fromEnv) {
    if (fromEnv.length < MIN_LENGTH) throw new Error(`SESSION_SECRET must be at least ${MIN_LENGTH} characters long`);
    return { secret: fromEnv, source: "from SESSION_SECRET" };
  }
  const file = path.join(dataDir, "secret");
  const saved = await readFile(file, "utf8").then(
    (text) => text.trim(),
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return null;
      throw error;
    },
  );
  if (saved !== null) {
    if (saved.length < MIN_LENGTH) throw new Error(`${file} holds a secret shorter than ${MIN_LENGTH} characters: delete the file to generate a new one`);
    return { secret: saved, source: `from ${file}` };
  }
  const secret = randomBytes(32).toString("base64url");
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
  return { secret, source: `generated and saved to ${file} (set SESSION_SECRET to use your own)` };
}
