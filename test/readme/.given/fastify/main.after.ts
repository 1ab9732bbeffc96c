
// README check: request.session.user() is the Prisma User.
import type { User as CheckedUser } from "./generated/prisma/client.js";
import { assertType } from "./type-check.js";

app.get("/readme-check", async (request) => {
  const checkedUser = await request.session.user();
  assertType<typeof checkedUser, CheckedUser | null>(true);
  return null;
});
