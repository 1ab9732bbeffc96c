import { EntitySchema } from "typeorm";

/** The app's User table (created by prisma/migrations), as a TypeORM entity. */
export interface BenchUser {
  id: number;
  email: string;
  name: string;
}

/** {@link BenchUser} as an EntitySchema: no decorator metadata needed under tsx. */
export const BenchUserEntity = new EntitySchema<BenchUser>({
  name: "BenchUser",
  tableName: "User",
  columns: {
    id: { type: "int", primary: true, generated: "increment" },
    email: { type: "text" },
    name: { type: "text" },
  },
});
