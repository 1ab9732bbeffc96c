// The quick start's "your code": checks the credentials, returns the user.
import type { User } from "./generated/prisma/client.js";

declare global {
  function authenticate(body: unknown): Promise<User>;
}
