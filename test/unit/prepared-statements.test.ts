// Named prepared statements: one name per statement text, and every way a named statement fails
// before it runs answered by sending it again unnamed (a pooler that lost it, a table that changed).
import { PreparedStatements, type PgStatement } from "../../src/stores/sql/prepared-statements.js";

/** A database connection stand-in that records what it was sent and fails the sends `fail` picks. */
function recorder(fail: (statement: PgStatement, index: number) => Error | undefined = () => undefined) {
  const sent: PgStatement[] = [];
  const send = async (statement: PgStatement) => {
    sent.push({ ...statement });
    const error = fail(statement, sent.length - 1);
    if (error !== undefined) throw error;
    return "rows";
  };
  return { sent, send };
}

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });
const statement = (text = "SELECT 1 WHERE $1 = 1") => ({ text, values: [1] as unknown[] });

describe("PreparedStatements", () => {
  it("names a statement by its text: the same name in every instance, distinct texts apart, within PostgreSQL's 63 bytes", async () => {
    const { sent, send } = recorder();
    await new PreparedStatements(true).send(send, statement("SELECT 1"));
    await new PreparedStatements(true).send(send, statement("SELECT 1"));
    await new PreparedStatements(true).send(send, statement("SELECT 2"));
    expect(sent[0]!.name).toMatch(/^sessionrow_[0-9a-f]{24}_0$/);
    expect(sent[1]!.name).toBe(sent[0]!.name);
    expect(sent[2]!.name).not.toBe(sent[0]!.name);
    expect(Buffer.byteLength(sent[0]!.name!)).toBeLessThanOrEqual(63);
    expect(sent.map((s) => s.values)).toEqual([[1], [1], [1]]);
  });

  it("sends every statement unnamed when disabled", async () => {
    const { sent, send } = recorder();
    await expect(new PreparedStatements(false).send(send, statement())).resolves.toBe("rows");
    expect(sent).toEqual([statement()]);
  });

  it.each([
    ["26000", 'prepared statement "sessionrow_x" does not exist'],
    ["42P05", 'prepared statement "sessionrow_x" already exists'],
  ])("sends a statement a pooler lost (%s) again unnamed, and every later one unnamed", async (code, message) => {
    const { sent, send } = recorder((s) => (s.name !== undefined ? pgError(code, message) : undefined));
    const statements = new PreparedStatements(true);
    await expect(statements.send(send, statement())).resolves.toBe("rows");
    await expect(statements.send(send, statement("SELECT 2"))).resolves.toBe("rows");
    expect(sent.map((s) => s.name === undefined)).toEqual([false, true, true]);
    expect(statements.enabled).toBe(false);
  });

  it("renames every statement after a table it reads changed its columns, and keeps preparing them", async () => {
    const changed = pgError("0A000", "cached plan must not change result type");
    const { sent, send } = recorder((_, index) => (index === 0 ? changed : undefined));
    const statements = new PreparedStatements(true);
    await expect(statements.send(send, statement())).resolves.toBe("rows");
    await statements.send(send, statement());
    expect(sent[0]!.name).toMatch(/_0$/);
    expect(sent[1]!.name).toBeUndefined();
    expect(sent[2]!.name).toBe(sent[0]!.name!.replace(/_0$/, "_1"));
    expect(statements.enabled).toBe(true);
  });

  it("moves on one name generation however many calls in flight fail on the old one", async () => {
    const changed = pgError("0A000", "cached plan must not change result type");
    const { sent, send } = recorder((s) => (s.name?.endsWith("_0") ? changed : undefined));
    const statements = new PreparedStatements(true);
    await Promise.all([statements.send(send, statement()), statements.send(send, statement())]);
    await statements.send(send, statement());
    expect(sent.at(-1)!.name).toMatch(/_1$/);
  });

  it("passes every other error on, without sending the statement again", async () => {
    for (const error of [pgError("23505", "duplicate key"), pgError("0A000", "some other unsupported feature"), new Error("connection terminated"), null]) {
      const { sent, send } = recorder(() => error as Error);
      const statements = new PreparedStatements(true);
      await expect(statements.send(send, statement())).rejects.toBe(error);
      expect(sent).toHaveLength(1);
      expect(statements.enabled).toBe(true);
    }
  });
});
