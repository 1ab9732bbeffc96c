export { PrismaStore } from "./stores/prisma-store.js";
export type { PrismaClientLike, PrismaDelegate, PrismaStoreOptions, PrismaUser, PrismaUserId } from "./stores/prisma-store.js";
