import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SCREENSHOTS = path.join(process.cwd(), "test-artifacts", "screenshots");
/** A new PGlite data directory takes a few seconds to initialise; more on a busy CI machine. */
const STARTUP_TIMEOUT_MS = 90_000;

/** The demo started as users start it (`tsx src/demo/main.ts`), on PGlite in a temporary directory. */
interface RunningDemo {
  url: string;
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function startDemo(dataDir: string): Promise<RunningDemo> {
  const env = { ...process.env };
  // The default path: embedded PGlite and a generated secret, whatever the test environment sets.
  delete env.DATABASE_URL;
  delete env.SESSION_SECRET;
  const child = spawn(process.execPath, ["--import", "tsx", "src/demo/main.ts", "--port", "0", "--data-dir", dataDir], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The demo did not start within ${STARTUP_TIMEOUT_MS} ms:\n${output}`)), STARTUP_TIMEOUT_MS);
    child.stdout!.on("data", () => {
      const listening = /Listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (listening) {
        clearTimeout(timer);
        resolve(listening);
      }
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`The demo exited (code ${code}) before listening:\n${output}`));
    });
  });
  return { url, child, output: () => output, exited };
}

function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: the browser test needs it and does not skip. ` +
        "Install it with `apt-get update && apt-get install -y chromium` (.ci/run does), or set CHROMIUM_PATH.",
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Without the background-networking flags Chromium keeps dialling Google services.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

let dataDir: string;
let demo: RunningDemo | undefined;
let browser: Browser | undefined;
let first: Page;
let second: Page;
let firstSessionId: string;

async function newPage(): Promise<Page> {
  const context: BrowserContext = await browser!.newContext({ viewport: { width: 1100, height: 760 } });
  return context.newPage();
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

async function logInAs(page: Page, name: string): Promise<void> {
  await page.goto(`${demo!.url}/login`);
  await page.selectOption("#user", { label: `${name} (${name.toLowerCase()}@example.com)` });
  await Promise.all([page.waitForURL(`${demo!.url}/`), page.click("#login-button")]);
}

async function visitCount(page: Page): Promise<number> {
  return Number(await page.textContent("#visit-count"));
}

beforeAll(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  dataDir = await mkdtemp(path.join(os.tmpdir(), "sessionrow-demo-"));
  browser = await launchChromium();
  demo = await startDemo(dataDir);
}, STARTUP_TIMEOUT_MS + 30_000);

afterAll(async () => {
  await browser?.close();
  if (demo && demo.child.exitCode === null && demo.child.signalCode === null) {
    demo.child.kill("SIGKILL");
    await demo.exited;
  }
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("demo in Chromium (PGlite)", () => {
  it("logs in through the form and keeps the visit counter across reloads", async () => {
    first = await newPage();
    await first.goto(`${demo!.url}/`);
    // Looking stores nothing: no session row, no cookie, no count yet.
    expect(await visitCount(first)).toBe(0);
    expect(await first.context().cookies()).toEqual([]);
    await expect(first.textContent("#current-user-none")).resolves.toBe("Not signed in");
    await screenshot(first, "01-home-anonymous");

    await first.goto(`${demo!.url}/login`);
    const idBeforeLogin = await first.textContent("#session-id-before");
    await screenshot(first, "02-login");
    await logInAs(first, "Alice");

    expect(await first.textContent("#current-user")).toBe("Alice");
    expect(idBeforeLogin).toBe("none stored yet: looking at pages stores nothing");
    firstSessionId = (await first.textContent("#session-id"))!;
    expect(firstSessionId).toMatch(/^[0-9a-f]{64}$/);
    expect(await first.textContent(".flash-success")).toBe(`Welcome, Alice! Your session starts with this login (session id ${firstSessionId.slice(0, 12)}…).`);
    // The session exists since the login: visits count from here.
    expect(await visitCount(first)).toBe(1);
    await screenshot(first, "03-home-logged-in");
    await first.reload();
    expect(await visitCount(first)).toBe(2);
    await first.reload();
    expect(await visitCount(first)).toBe(3);
    expect(await first.textContent("#current-user")).toBe("Alice");
  });

  it("fills the cart and saves namespaced preferences", async () => {
    await first.goto(`${demo!.url}/cart`);
    await Promise.all([first.waitForURL(`${demo!.url}/cart`), first.click('button[data-sku="mug"]')]);
    await first.click('button[data-sku="book"]');
    await first.click('button[data-sku="mug"]');
    await first.waitForSelector("text=Added Quixote coffee mug");
    expect(await first.textContent("#cart")).toMatch(/Quixote coffee mug\s*2/);
    await screenshot(first, "04-cart");

    await first.goto(`${demo!.url}/preferences`);
    await first.check('input[name="theme"][value="dark"]');
    await first.check('input[name="accent"][value="purple"]');
    await Promise.all([first.waitForURL(`${demo!.url}/preferences`), first.click("#save-preferences")]);
    await first.waitForSelector(".flash-success");
    expect(await first.getAttribute("body", "class")).toBe("theme-dark accent-purple");
    expect(JSON.parse((await first.textContent("#preferences-data"))!)).toEqual({ theme: "dark", accent: "purple" });
    await screenshot(first, "05-preferences");
  });

  it("revokes the first browser's session from a second browser", async () => {
    second = await newPage();
    await logInAs(second, "Alice");
    await second.goto(`${demo!.url}/sessions`);
    expect(await second.locator("#sessions tr[data-session-id]").count()).toBe(2);
    const firstRow = second.locator(`tr[data-session-id="${firstSessionId}"]`);
    expect(await firstRow.textContent()).toContain("Headless Chrome");
    await screenshot(second, "06-sessions-two-browsers");

    await Promise.all([second.waitForURL(`${demo!.url}/sessions`), firstRow.locator("button").click()]);
    await second.waitForSelector("text=revoked: that browser is signed out");
    expect(await second.locator("#sessions tr[data-session-id]").count()).toBe(1);
    await screenshot(second, "07-sessions-after-revoke");
  });

  it("finds the first browser logged out", async () => {
    await first.goto(`${demo!.url}/`);
    expect(await first.textContent("#current-user-none")).toBe("Not signed in");
    expect(await visitCount(first)).toBe(0);
    await first.goto(`${demo!.url}/sessions`);
    expect(first.url()).toBe(`${demo!.url}/login`);
    expect(await first.textContent(".flash-info")).toContain("Log in to see your sessions");
    await screenshot(first, "08-first-browser-signed-out");
  });

  it("lists every session on the admin page", async () => {
    await second.goto(`${demo!.url}/admin`);
    expect(await second.locator("#all-sessions tr.current").count()).toBe(1);
    // The second browser's, and the first browser's new one, which holds the "Log in to see your sessions" message.
    expect(Number(await second.textContent("#session-count"))).toBe(2);
    await screenshot(second, "09-admin");
  });

  it("refuses to open the same data directory twice", async () => {
    const outcome = await startDemo(dataDir).then(
      (intruder) => {
        intruder.child.kill("SIGKILL");
        return "a second demo started on the same PGlite directory";
      },
      (error: Error) => error.message,
    );
    expect(outcome).toMatch(/Another demo \(pid \d+\) is using/);
  });

  it("shuts down cleanly on SIGTERM while the browser is still connected", async () => {
    demo!.child.kill("SIGTERM");
    const { code } = await demo!.exited;
    expect(demo!.output()).toContain("Stopped.");
    expect(code).toBe(0);
  });
});
