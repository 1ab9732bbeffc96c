import type { SessionStore } from "../session-store.js";
import { ExpressSessionBackend, type ExpressSessionObject } from "./express-session-backend.js";
import type { ExpressSessionStoreOptions } from "./express-session-store-options.js";

/** The part of the `express-session` module the store needs: its `Store` base class. */
export interface ExpressSessionModule {
  /** express-session's `Store` class, which the returned store extends. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- express-session's Store takes no arguments; its type is the app's
  Store: abstract new (...args: any[]) => object;
}

/** A Node-style callback: an error, or `null` and the result. */
type Callback<T = void> = (error: unknown, result?: T) => void;

/** The express-session store methods, callback style, as express-session calls them. */
export interface ExpressSessionStoreMethods {
  /** The sessionrow storage behind the store (promise based). */
  readonly backend: ExpressSessionBackend;
  /** {@link ExpressSessionBackend.get}, calling back with the session or `null`. */
  get(sid: string, callback: Callback<ExpressSessionObject | null>): void;
  /** {@link ExpressSessionBackend.set}. */
  set(sid: string, session: ExpressSessionObject, callback?: Callback): void;
  /** {@link ExpressSessionBackend.destroy}. */
  destroy(sid: string, callback?: Callback): void;
  /** {@link ExpressSessionBackend.touch}. */
  touch(sid: string, session: ExpressSessionObject, callback?: Callback): void;
  /** {@link ExpressSessionBackend.all}. */
  all(callback: Callback<ExpressSessionObject[]>): void;
  /** {@link ExpressSessionBackend.length}. */
  length(callback: Callback<number>): void;
  /** {@link ExpressSessionBackend.clear}. */
  clear(callback?: Callback): void;
}

const storeClasses = new WeakMap<object, new (backend: ExpressSessionBackend) => ExpressSessionStoreMethods>();

/**
 * An express-session store keeping sessions in the sessionrow table, through any {@link SessionStore}
 * (Prisma, TypeORM): an app on express-session switches its storage with one line, and can move to
 * sessionrow's own middleware later. Pass the `express-session` module itself (as with
 * connect-pg-simple), so sessionrow never loads express-session on its own.
 *
 * Semantics stay express-session's: the whole session object is saved and the last save wins;
 * express-session keeps its session id in plaintext in its signed cookie, so the table stores only
 * the id's SHA-256. `req.session.userId` (see `userIdKey`) goes to the `userId` foreign key.
 *
 * @example
 * ```ts
 * import session from "express-session";
 * import { expressSessionStore } from "sessionrow/express-session";
 * import { PrismaStore } from "sessionrow/prisma";
 *
 * app.use(session({ store: expressSessionStore(session, new PrismaStore(prisma)), secret, resave: false, saveUninitialized: false }));
 * ```
 * @throws SessionConfigError when an option is invalid.
 */
export function expressSessionStore<M extends ExpressSessionModule>(
  session: M,
  store: SessionStore,
  options: ExpressSessionStoreOptions = {},
): InstanceType<M["Store"]> & ExpressSessionStoreMethods {
  let StoreClass = storeClasses.get(session.Store);
  if (StoreClass === undefined) {
    StoreClass = defineStoreClass(session.Store as unknown as new () => object);
    storeClasses.set(session.Store, StoreClass);
  }
  return new StoreClass(new ExpressSessionBackend(store, options)) as InstanceType<M["Store"]> & ExpressSessionStoreMethods;
}

/** A subclass of express-session's `Store` (which brings `regenerate`, `load`, `createSession`) calling the backend. */
function defineStoreClass(Base: new () => object): new (backend: ExpressSessionBackend) => ExpressSessionStoreMethods {
  return class SessionrowExpressSessionStore extends Base implements ExpressSessionStoreMethods {
    constructor(readonly backend: ExpressSessionBackend) {
      super();
    }

    get(sid: string, callback: Callback<ExpressSessionObject | null>): void {
      settle(this.backend.get(sid), callback);
    }

    set(sid: string, session: ExpressSessionObject, callback?: Callback): void {
      settle(this.backend.set(sid, session), callback);
    }

    destroy(sid: string, callback?: Callback): void {
      settle(this.backend.destroy(sid), callback);
    }

    touch(sid: string, session: ExpressSessionObject, callback?: Callback): void {
      settle(this.backend.touch(sid, session), callback);
    }

    all(callback: Callback<ExpressSessionObject[]>): void {
      settle(this.backend.all(), callback);
    }

    length(callback: Callback<number>): void {
      settle(this.backend.length(), callback);
    }

    clear(callback?: Callback): void {
      settle(this.backend.clear(), callback);
    }
  };
}

/** Calls a Node-style callback with the outcome of `promise`. */
function settle<T>(promise: Promise<T>, callback: Callback<T> | undefined): void {
  promise.then(
    (result) => callback?.(null, result),
    (error: unknown) => callback?.(error),
  );
}
