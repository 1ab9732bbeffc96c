import { withSession } from "@/lib/sessions";

export const GET = withSession((session) => Response.json(session.keys().sort()));
