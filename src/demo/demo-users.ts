import type { User } from "../../generated/prisma/client.js";
import type { DemoPrisma } from "./demo-session.js";

/** The users seeded on every start (upserted by email). Alice is the demo's admin. */
export const DEMO_USERS = [
  { email: "alice@example.com", name: "Alice", admin: true },
  { email: "bob@example.com", name: "Bob", admin: false },
  { email: "carol@example.com", name: "Carol", admin: false },
] as const;

const ADMIN_EMAILS = new Set<string>(DEMO_USERS.filter((user) => user.admin).map((user) => user.email));

/** Creates the demo users that are missing; leaves existing rows as they are. */
export async function seedDemoUsers(prisma: DemoPrisma): Promise<void> {
  for (const { email, name } of DEMO_USERS) {
    await prisma.user.upsert({ where: { email }, create: { email, name }, update: {} });
  }
}

/** Whether a user may see the admin page. */
export function isAdmin(user: User | null): boolean {
  return user !== null && ADMIN_EMAILS.has(user.email);
}
