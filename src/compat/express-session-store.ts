import type { SessionLifecycle } from "../session-lifecycle.js";
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
 * An express-session store keeping sessions in the sessionrow table, on a {@link SessionManager}'s
 * policy: an app on express-session switches its storage with one line, and can move to sessionrow's
 * own middleware later without logging anybody out (`sessions.express({ adoptExpressSession })`).
 * Pass the `express-session` module itself (as with connect-pg-simple), so sessionrow never loads
 * express-session on its own. Same as `sessions.expressSessionStore(session, options)`.
 *
 * Semantics stay express-session's: the whole session object is saved (parallel requests that change
 * different keys are merged, where express-session's stores let the last save win); express-session
 * keeps its session id in plaintext in its signed cookie, so the table stores only the id's SHA-256.
 * `req.session.userId` (see `userIdKey`) goes to the `userId` foreign key. Expiry is the manager's
 * (`idleTimeout`, `absoluteTimeout`) and, when the cookie has a `maxAge`, the cookie's.
 *
 * @example
 * ```ts
 * import session from "express-session";
 * import { expressSessionStore } from "sessionrow/express-session";
 *
 * app.use(session({ store: expressSessionStore(session, sessions), secret, resave: false, saveUninitialized: false }));
 * ```
 */
export function expressSessionStore<M extends ExpressSessionModule>(
  session: M,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a manager of any data, user and user id type
  manager: SessionLifecycle<any, any, any>,
  options: ExpressSessionStoreOptions = {},
): InstanceType<M["Store"]> & ExpressSessionStoreMethods {
  let StoreClass = storeClasses.get(session.Store);
  if (StoreClass === undefined) {
    StoreClass = defineStoreClass(session.Store as unknown as new () => object);
    storeClasses.set(session.Store, StoreClass);
  }
  return new StoreClass(new ExpressSessionBackend(manager, options)) as InstanceType<M["Store"]> & ExpressSessionStoreMethods;
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

/**
 * Calls a Node-style callback with the outcome of `promise`, outside the promise chain: an exception
 * thrown by the callback is an uncaught exception, as with express-session's MemoryStore, instead of
 * vanishing as an unhandled rejection.
 */
function settle<T>(promise: Promise<T>, callback: Callback<T> | undefined): void {
  promise.then(
    (result) => process.nextTick(() => callback?.(null, result)),
    (error: unknown) => process.nextTick(() => callback?.(error)),
  );
}
