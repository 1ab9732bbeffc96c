import { withSession } from "@/lib/sessions";

export const POST = withSession(async (session) => {
  await session.destroy();
  return Response.json({ ok: true });
});
