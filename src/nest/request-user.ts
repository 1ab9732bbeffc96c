import type { Register } from "../register.js";
import type { SessionManager } from "../session-manager.js";

/**
 * The user type of the registered manager (see `Register`), else `unknown`: the type of
 * `await req.session.user()` without its `null`, and of a `@CurrentUser()` parameter.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- only the user type is read
export type RequestUser = Register extends { sessionManager: SessionManager<any, infer TUser, any> } ? TUser : unknown;
