
// README check: c.get("session").user() and WebSessions' sessions are typed by the manager.
import type { User as CheckedUser } from "./generated/prisma/client.js";
import { assertType } from "./type-check.js";

app.get("/readme-check", async (c) => {
  const checkedUser = await c.get("session").user();
  assertType<typeof checkedUser, CheckedUser | null>(true);
  const checkedWebUser = await (await web.load(c.req.raw)).user();
  assertType<typeof checkedWebUser, CheckedUser | null>(true);
  return c.body(null);
});
