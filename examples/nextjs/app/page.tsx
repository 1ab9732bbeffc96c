import { cookies } from "next/headers";
import { loadFromCookies } from "@/lib/sessions";
import { logIn, logOut } from "./actions";

export default async function Home() {
  // A Server Component cannot set cookies: load read-only (no write, no touch).
  const session = await loadFromCookies(await cookies(), { readOnly: true });
  const user = await session.user();
  return (
    <main>
      <h1>sessionrow on Next.js</h1>
      {user === null ? (
        <form action={logIn}>
          <p>Not signed in.</p>
          <label>
            Email <input name="email" type="email" required />
          </label>{" "}
          <button type="submit">Sign in</button>
        </form>
      ) : (
        <form action={logOut}>
          <p id="user">{`Signed in as ${user.name} (${user.email})`}</p>
          <button type="submit">Sign out</button>
        </form>
      )}
      <h2>Session data</h2>
      <pre id="data">{JSON.stringify(session.data, null, 2)}</pre>
    </main>
  );
}
