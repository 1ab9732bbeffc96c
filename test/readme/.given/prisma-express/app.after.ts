
// README check: after pasting the quick start, user() is the Prisma User and the data is typed.
import type { User as CheckedUser } from "./generated/prisma/client.js";
import { assertType } from "./type-check.js";

app.get("/readme-check", async (req, res) => {
  const checkedUser = await req.session.user();
  assertType<typeof checkedUser, CheckedUser | null>(true);
  const checkedViews = req.session.get("views");
  assertType<typeof checkedViews, number | undefined>(true);
  res.end();
});
