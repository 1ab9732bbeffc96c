import { withSession } from "@/lib/sessions";

export const POST = withSession<RouteContext<"/login/[id]">>(async (session, request, { params }) => {
  // A real app checks credentials first. setUser gives the session a new token: the old cookie dies.
  await session.setUser(Number((await params).id));
  return Response.redirect(new URL("/me", request.url), 303);
});
