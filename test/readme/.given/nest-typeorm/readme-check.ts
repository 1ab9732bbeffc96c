// README check: @Session() and @CurrentUser() parameters carry the registered user and data types.
import type { RequestSession, RequestUser } from "sessionrow/nest";
import type { User } from "./user.entity.js";
import { assertType } from "./type-check.js";

export async function readmeCheck(session: RequestSession, user: RequestUser): Promise<void> {
  const loaded = await session.user();
  assertType<typeof loaded, User | null>(true);
  assertType<typeof user, User>(true);
  const cart = session.get("cart");
  assertType<typeof cart, string[] | undefined>(true);
}
