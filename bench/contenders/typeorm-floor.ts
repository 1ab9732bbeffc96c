import type { CreateContender } from "../contender.js";
import { referenceSessionId } from "./reference-session-id.js";
import { SessionrowSessionEntity, sessionrowDataSource } from "./sessionrow-typeorm-data-source.js";

/**
 * The TypeORM floor: the statement sessionrow + TypeORM sends for a read-only request (session
 * LEFT JOIN user, one query builder `getOne()`), sent through TypeORM with no session logic.
 */
export const createContender: CreateContender = async ({ databaseUrl }) => {
  const dataSource = await sessionrowDataSource(databaseUrl);
  const sessions = dataSource.getRepository(SessionrowSessionEntity);
  return {
    middleware: [],
    read: async (req, res) => {
      const row = await sessions
        .createQueryBuilder("session")
        .leftJoinAndSelect("session.user", "user")
        .where("session.id = :id", { id: referenceSessionId(req) })
        .getOne();
      res.json({ theme: (row?.data as { theme?: string } | undefined)?.theme ?? null, user: row?.user ?? null });
    },
    settings: { pool: "TypeORM postgres defaults (pg.Pool, max 10)", query: "createQueryBuilder('session').leftJoinAndSelect('session.user', 'user').where(id).getOne()" },
    close: () => dataSource.destroy(),
  };
};
