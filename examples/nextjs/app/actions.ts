"use server";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { prisma } from "@/lib/prisma";
import { loadFromCookies, webSessions } from "@/lib/sessions";

/** Logs in as the user with the form's email, creating the user on first sight (a demo: no password). */
export async function logIn(form: FormData): Promise<void> {
  const email = String(form.get("email") ?? "").trim().toLowerCase();
  if (email === "") redirect("/");
  const user = await prisma.user.upsert({ where: { email }, update: {}, create: { email, name: email.split("@")[0] } });
  const store = await cookies();
  const session = await loadFromCookies(store);
  // setUser gives the session a new token: a cookie planted before the login is worthless after it.
  await session.setUser(user.id);
  session.set("signedInAt", new Date().toISOString());
  await webSessions().commitToCookies(session, store);
  redirect("/");
}

export async function logOut(): Promise<void> {
  const store = await cookies();
  const session = await loadFromCookies(store);
  await session.destroy();
  await webSessions().commitToCookies(session, store);
  redirect("/");
}
