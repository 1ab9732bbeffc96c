import { withSession } from "@/lib/sessions";

export const GET = withSession<RouteContext<"/set/[key]">>(async (session, _request, { params }) => {
  session.set((await params).key, true);
  return Response.json({ ok: true });
});
