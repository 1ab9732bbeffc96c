-- The app's own User table as PostgreSQL DDL (what `prisma migrate deploy` would apply). The Session
-- table comes from the migration sessionrow ships, read from node_modules as the README copies it.
CREATE TABLE "User" (
    "id" SERIAL PRIMARY KEY,
    "email" TEXT NOT NULL UNIQUE
);
