/**
 * The Prisma store: sessions in a model of the app's generated Prisma client (`SessionManager.fromPrisma`
 * builds one). Never imports `@prisma/client` itself.
 * @module sessionrow/prisma
 */
export { PrismaStore } from "./stores/prisma-store.js";
export type { PrismaClientLike, PrismaDelegate, PrismaStoreOptions, PrismaUser, PrismaUserId } from "./stores/prisma-store.js";
export type { PgField, PgPool, PgPoolClient, PgQuery, PgResult, PgTypeParsers } from "./stores/sql/pg-pool-executor.js";
