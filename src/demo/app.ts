import express, { type ErrorRequestHandler, type Express, type Request, type RequestHandler, type Response } from "express";
import type { User } from "../../generated/prisma/client.js";
import { CATALOG } from "./catalog.js";
import { CsrfError } from "../errors.js";
import { csrfProtection } from "../express/csrf-protection.js";
import { CSRF_FIELD } from "./csrf-field.js";
import { DEMO_CSS } from "./demo-css.js";
import type { DemoPrisma, DemoSession, DemoSessionManager, Preferences } from "./demo-session.js";
import { isAdmin } from "./demo-users.js";
import { shortId } from "./format.js";
import type { SafeHtml } from "./html.js";
import { adminPage, type AdminSessionRow } from "./pages/admin-page.js";
import { cartPage } from "./pages/cart-page.js";
import { homePage } from "./pages/home-page.js";
import { layout, type Flash, type PageContext } from "./pages/layout.js";
import { loginPage } from "./pages/login-page.js";
import { messagePage } from "./pages/message-page.js";
import { preferencesPage } from "./pages/preferences-page.js";
import { sessionsPage } from "./pages/sessions-page.js";

/** Options of {@link createDemoApp}. */
export interface DemoAppOptions {
  /**
   * Where sessions are stored, shown in the page footer.
   * @default "the database"
   */
  databaseLabel?: string;
}

const FLASH_KINDS: Flash["kind"][] = ["success", "info", "error"];
const THEMES: readonly string[] = ["light", "dark"];
const ACCENTS: readonly string[] = ["blue", "green", "purple"];
const MAX_CART_ITEMS = 50;
const ADMIN_PAGE_ROWS = 200;

const SECURITY_HEADERS = {
  // No script at all, styles from our own stylesheet only, forms post back here only.
  "Content-Security-Policy":
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "same-origin",
  // Pages show per-user data: never from a cache, not even with the back button after logout.
  "Cache-Control": "no-store",
};

/**
 * `req.session` typed for the demo. An app registers its manager once instead
 * (`declare module "sessionrow" { interface Register { sessionManager: typeof sessions } }`); the demo
 * is compiled together with the library's tests, where that would retype every test's `req.session`.
 */
function sessionOf(req: Request): DemoSession {
  return req.session as unknown as DemoSession;
}

function field(req: Request, name: string): string {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === "string" ? value : "";
}

function send(res: Response, page: SafeHtml): void {
  res.type("html").send(page.value);
}

/**
 * The interactive demo: a visit counter, login/logout with token rotation, a cart kept through the
 * attribute proxy, flash messages, a namespaced "preferences" app, "your sessions" with revocation,
 * and an admin page listing every session. Every POST must come from this origin and carry the
 * session's CSRF token (`session.csrfToken()`); a visitor who only looks at pages stores nothing.
 *
 * @example
 * ```ts
 * const sessions = SessionManager.fromPrisma<DemoSessionData, typeof prisma>(prisma, { secret });
 * createDemoApp(sessions, prisma).listen(8080, "127.0.0.1");
 * ```
 */
export function createDemoApp(manager: DemoSessionManager, prisma: DemoPrisma, options: DemoAppOptions = {}): Express {
  const databaseLabel = options.databaseLabel ?? "the database";
  const app = express();
  app.disable("x-powered-by");

  /** The page context without touching the session: for errors, where the session may not exist. */
  const bareContext = (req: Request): PageContext => ({
    path: req.path,
    user: undefined,
    admin: false,
    sessionStored: false,
    csrfToken: "",
    flashes: [],
    preferences: { theme: "light", accent: "blue" },
    sessionId: "",
    databaseLabel,
  });

  const pageContext = async (req: Request): Promise<PageContext> => {
    const session = sessionOf(req);
    const user = await session.user();
    const preferences = session.namespace<Preferences>("preferences");
    return {
      path: req.path,
      user,
      admin: isAdmin(user),
      sessionStored: !session.isNew,
      csrfToken: session.csrfToken(),
      flashes: FLASH_KINDS.flatMap((kind) => session.consumeFlash(kind).map((message) => ({ kind, message }))),
      preferences: { theme: preferences.get("theme") ?? "light", accent: preferences.get("accent") ?? "blue" },
      sessionId: session.id,
      databaseLabel,
    };
  };

  /** The signed-in user, or `null` after redirecting to the login page. */
  const requireUser = async (req: Request, res: Response, purpose: string): Promise<User | null> => {
    const session = sessionOf(req);
    const user = await session.user();
    if (user) return user;
    session.flash("info", `Log in to ${purpose}.`);
    res.redirect(303, "/login");
    return null;
  };

  /** The signed-in admin, or `null` after answering 403 (or redirecting to the login page). */
  const requireAdmin = async (req: Request, res: Response): Promise<User | null> => {
    const user = await requireUser(req, res, "see the admin page");
    if (!user || isAdmin(user)) return user;
    const context = await pageContext(req);
    res.status(403);
    send(res, layout(context, "Admins only", messagePage(`${user.name} is not an admin. In this demo, Alice is.`, { href: "/login", label: "Log in as someone else" })));
    return null;
  };

  const securityHeaders: RequestHandler = (_req, res, next) => {
    res.set(SECURITY_HEADERS);
    next();
  };

  app.use(securityHeaders);
  // Before the session middleware: the stylesheet needs no session.
  app.get("/assets/demo.css", (_req, res) => {
    res.set("Cache-Control", "public, max-age=300").type("css").send(DEMO_CSS);
  });
  app.use(express.urlencoded({ extended: false, limit: "16kb" }));
  // The demo serves plain HTTP on this machine: the one case for a cookie without Secure.
  app.use(manager.express({ cookie: { secure: false } }));
  // Every POST must come from this origin and, once the session is stored, carry its CSRF token.
  app.use(csrfProtection({ token: { field: CSRF_FIELD } }));

  app.get("/", async (req, res) => {
    const session = sessionOf(req);
    // A visitor who only looks stores nothing: visits are counted once the session exists (a login, a cart, preferences).
    const views = session.isNew ? 0 : (session.update("views", (count) => (count ?? 0) + 1) ?? 0);
    const context = await pageContext(req);
    const data = Object.fromEntries(session.entries());
    send(
      res,
      layout(
        context,
        "Visit counter",
        homePage(context, {
          views,
          userId: session.userId,
          isNew: session.isNew,
          version: session.version,
          createdAt: session.createdAt,
          lastSeenAt: session.lastSeenAt,
          expiresAt: session.expiresAt,
          absoluteExpiresAt: session.absoluteExpiresAt,
          data,
          now: Date.now(),
        }),
      ),
    );
  });

  app.post("/counter/reset", (req, res) => {
    sessionOf(req).delete("views");
    sessionOf(req).flash("info", "Counter reset.");
    res.redirect(303, "/");
  });

  app.get("/login", async (req, res) => {
    const context = await pageContext(req);
    const users = await prisma.user.findMany({ orderBy: { id: "asc" } });
    send(res, layout(context, "Log in", loginPage(context, users)));
  });

  app.post("/login", async (req, res) => {
    const session = sessionOf(req);
    const userId = Number(field(req, "userId"));
    const user = Number.isSafeInteger(userId) ? await prisma.user.findUnique({ where: { id: userId } }) : null;
    if (!user) {
      session.flash("error", "Pick one of the listed users.");
      res.redirect(303, "/login");
      return;
    }
    const before = session.isNew ? null : session.id;
    // A guest's cart and visit count carry over; anything else planted before the login does not.
    await session.setUser(user, { keep: ["cart", "views"] });
    session.flash(
      "success",
      before === null
        ? `Welcome, ${user.name}! Your session starts with this login (session id ${shortId(session.id)}).`
        : `Welcome, ${user.name}! Logging in rotated your session token (session id ${shortId(before)} → ${shortId(session.id)}), so the old cookie no longer works.`,
    );
    res.redirect(303, "/");
  });

  app.post("/logout", async (req, res) => {
    const session = sessionOf(req);
    const user = await session.user();
    await session.destroy();
    session.flash("info", user ? `Goodbye, ${user.name}. Your session row was deleted and a fresh session started.` : "Your session was destroyed.");
    res.redirect(303, "/");
  });

  app.get("/cart", async (req, res) => {
    const context = await pageContext(req);
    send(res, layout(context, "Shopping cart", cartPage(context, sessionOf(req).data.cart ?? [])));
  });

  app.post("/cart/add", (req, res) => {
    const session = sessionOf(req);
    const product = CATALOG.find((candidate) => candidate.sku === field(req, "sku"));
    if (!product) session.flash("error", "No such product.");
    else if ((session.data.cart?.length ?? 0) >= MAX_CART_ITEMS) session.flash("error", `The demo cart holds at most ${MAX_CART_ITEMS} items.`);
    else {
      session.data.cart ??= [];
      session.data.cart.push({ sku: product.sku, addedAt: new Date().toISOString() });
      session.flash("success", `Added ${product.name} to your cart.`);
    }
    res.redirect(303, "/cart");
  });

  app.post("/cart/clear", (req, res) => {
    delete sessionOf(req).data.cart;
    sessionOf(req).flash("info", "Your cart is empty again.");
    res.redirect(303, "/cart");
  });

  app.get("/preferences", async (req, res) => {
    const context = await pageContext(req);
    const stored = Object.fromEntries(sessionOf(req).namespace<Preferences>("preferences").entries());
    send(res, layout(context, "Preferences", preferencesPage(context, stored)));
  });

  app.post("/preferences", (req, res) => {
    const session = sessionOf(req);
    const theme = field(req, "theme");
    const accent = field(req, "accent");
    if (!THEMES.includes(theme) || !ACCENTS.includes(accent)) session.flash("error", "Pick a theme and an accent colour.");
    else {
      const preferences = session.namespace<Preferences>("preferences");
      preferences.set("theme", theme as Preferences["theme"]);
      preferences.set("accent", accent as Preferences["accent"]);
      session.flash("success", "Preferences saved in the session's \"preferences\" namespace.");
    }
    res.redirect(303, "/preferences");
  });

  app.get("/sessions", async (req, res) => {
    const user = await requireUser(req, res, "see your sessions");
    if (!user) return;
    const context = await pageContext(req);
    const sessions = await manager.listForUser(user.id);
    send(res, layout(context, "Your sessions", sessionsPage(context, sessions, Date.now())));
  });

  app.post("/sessions/revoke", async (req, res) => {
    const user = await requireUser(req, res, "manage your sessions");
    if (!user) return;
    const session = sessionOf(req);
    const id = field(req, "id");
    if (id === session.id) {
      await session.destroy();
      session.flash("info", "You revoked this browser's own session: you are signed out.");
      res.redirect(303, "/login");
      return;
    }
    // Only the user's own sessions: the id comes from the client.
    const own = (await manager.listForUser(user.id)).some((candidate) => candidate.id === id);
    if (own) {
      await manager.destroy(id);
      session.flash("success", `Session ${shortId(id)} revoked: that browser is signed out.`);
    } else {
      session.flash("error", "That session is not one of yours, or it is already gone.");
    }
    res.redirect(303, "/sessions");
  });

  app.post("/sessions/revoke-others", async (req, res) => {
    const user = await requireUser(req, res, "manage your sessions");
    if (!user) return;
    const session = sessionOf(req);
    const count = await manager.revokeForUser(user.id, { except: session });
    session.flash("success", `Signed out ${count} other session${count === 1 ? "" : "s"}.`);
    res.redirect(303, "/sessions");
  });

  app.get("/admin", async (req, res) => {
    if (!(await requireAdmin(req, res))) return;
    const records = [];
    let truncated = false;
    for await (const record of manager.iterate({ includeData: true })) {
      if (records.length === ADMIN_PAGE_ROWS) {
        truncated = true;
        break;
      }
      records.push(record);
    }
    const userIds = [...new Set(records.flatMap((record) => (record.userId === null ? [] : [record.userId])))];
    const users = new Map((await prisma.user.findMany({ where: { id: { in: userIds } } })).map((user) => [user.id, user.name]));
    const rows: AdminSessionRow[] = records.map((record) => ({
      id: record.id,
      userName: record.userId === null ? null : (users.get(record.userId) ?? `#${record.userId}`),
      version: record.version,
      dataKeys: Object.keys(record.data),
      createdAt: record.createdAt,
      lastSeenAt: record.lastSeenAt,
      expiresAt: record.expiresAt,
    }));
    const context = await pageContext(req);
    send(res, layout(context, "All sessions (admin)", adminPage(context, { rows, truncated, now: Date.now() })));
  });

  app.post("/admin/prune", async (req, res) => {
    if (!(await requireAdmin(req, res))) return;
    const count = await manager.prune();
    sessionOf(req).flash("success", `Pruned ${count} expired session${count === 1 ? "" : "s"}.`);
    res.redirect(303, "/admin");
  });

  app.use((req, res) => {
    res.status(404);
    send(res, layout(bareContext(req), "Not found", messagePage(`There is no page at ${req.path}.`, { href: "/", label: "Back to the demo" })));
  });

  const onError: ErrorRequestHandler = (error: { status?: unknown; message?: unknown }, req, res, next) => {
    if (res.headersSent) return next(error);
    const status = typeof error?.status === "number" && error.status >= 400 ? error.status : 500;
    if (status >= 500) console.error(error);
    const message =
      status === 503
        ? "The session database is not answering. Try again in a moment."
        : error instanceof CsrfError
          ? "This form did not carry this session's CSRF token, or it came from another site: it is stale (your session changed). Reload the page and try again."
          : status < 500
          ? String(error?.message ?? "Bad request")
          : "Something went wrong on our side; the details are in the server log.";
    res.status(status);
    const title = status === 503 ? "Database unavailable" : error instanceof CsrfError ? "Form rejected" : "Error";
    send(res, layout(bareContext(req), title, messagePage(message, { href: "/", label: "Back to the demo" })));
  };
  app.use(onError);
  return app;
}
