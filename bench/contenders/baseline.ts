import type { CreateContender } from "../contender.js";

/** No sessions at all: the ceiling of what Express on this machine serves. */
export const createContender: CreateContender = async () => ({
  middleware: [],
  read: (_req, res) => {
    res.json({ theme: "dark", user: { id: 1, email: "user1@example.com", name: "User 1" } });
  },
  settings: {},
  close: async () => {},
});
