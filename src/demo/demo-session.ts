import type { PrismaClient, User } from "../../generated/prisma/client.js";
import type { Session } from "../session.js";
import type { SessionManager } from "../session-manager.js";

/** One line of the demo's shopping cart. */
export interface CartItem {
  sku: string;
  addedAt: string;
}

/** What the demo keeps in a session's plain keys. */
export interface DemoSessionData {
  /** Visits to the home page in this browser session. */
  views: number;
  /** Filled through the attribute proxy: `session.data.cart ??= []`. */
  cart: CartItem[];
}

/** The "preferences" app's own keys, kept in `session.namespace("preferences")`. */
export interface Preferences {
  theme: "light" | "dark";
  accent: "blue" | "green" | "purple";
}

/** The demo's session manager: typed data, the generated `User`, integer user ids. */
export type DemoSessionManager = SessionManager<DemoSessionData, User, number>;

/** A session of the demo. */
export type DemoSession = Session<DemoSessionData, User, number>;

/** The demo's Prisma client (generated from prisma/schema.prisma). */
export type DemoPrisma = PrismaClient;
