// Named prepared statements: one name per statement text, and every way a named statement fails
// before it runs answered by sending it again unnamed (a pooler that lost it, a table that changed).
import { MAX_NAMED_STATEMENTS, PreparedStatements, type PgStatement } from "../../src/stores/sql/prepared-statements.js";

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
    expect(sent[0]!.name).toMatch(/^sessionrow_[0-9a-f]{24}$/);
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
    const warn = jest.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    try {
      const { sent, send } = recorder((s) => (s.name !== undefined ? pgError(code, message) : undefined));
      const statements = new PreparedStatements(true);
      // Two calls in flight fail the same way: both are sent again, one warning tells the operator.
      await expect(Promise.all([statements.send(send, statement()), statements.send(send, statement())])).resolves.toEqual(["rows", "rows"]);
      await expect(statements.send(send, statement("SELECT 2"))).resolves.toBe("rows");
      expect(sent.map((s) => s.name === undefined)).toEqual([false, false, true, true, true]);
      expect(statements.enabled).toBe(false);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining(`SQLSTATE ${code}`), { code: "SESSIONROW_PREPARED_STATEMENTS" });
    } finally {
      warn.mockRestore();
    }
  });

  it.each([
    ["its message", pgError("0A000", "cached plan must not change result type")],
    ["the server routine that raised it, in any language", Object.assign(pgError("0A000", "le plan en cache ne doit pas modifier le type de résultat"), { routine: "RevalidateCachedQuery" })],
  ])("renames every statement after a table it reads changed its columns (known by %s), and keeps preparing them", async (_, changed) => {
    const { sent, send } = recorder((_statement, index) => (index === 0 ? changed : undefined));
    const statements = new PreparedStatements(true);
    await expect(statements.send(send, statement())).resolves.toBe("rows");
    await statements.send(send, statement());
    expect(sent[0]!.text).toBe(statement().text);
    expect(sent[1]).toEqual(statement());
    // A new text (a pooler that keeps statements by text prepares it afresh too), under a new name.
    expect(sent[2]!.text).toBe(`${statement().text} /* sessionrow generation 1 */`);
    expect(sent[2]!.name).toMatch(/^sessionrow_[0-9a-f]{24}$/);
    expect(sent[2]!.name).not.toBe(sent[0]!.name);
    expect(statements.enabled).toBe(true);
  });

  it("moves on one generation however many calls in flight fail on the old one", async () => {
    const changed = pgError("0A000", "cached plan must not change result type");
    const { sent, send } = recorder((s) => (s.name !== undefined && !s.text.includes("generation") ? changed : undefined));
    const statements = new PreparedStatements(true);
    await Promise.all([statements.send(send, statement()), statements.send(send, statement())]);
    await statements.send(send, statement());
    expect(sent.at(-1)!.text).toMatch(/generation 1 \*\/$/);
  });

  it(`names the first ${MAX_NAMED_STATEMENTS} statement texts and sends any further one unnamed`, async () => {
    const { sent, send } = recorder();
    const statements = new PreparedStatements(true);
    for (let i = 0; i <= MAX_NAMED_STATEMENTS; i++) await statements.send(send, statement(`SELECT ${i}`));
    await statements.send(send, statement("SELECT 0"));
    expect(sent.filter((s) => s.name !== undefined)).toHaveLength(MAX_NAMED_STATEMENTS + 1);
    expect(sent.at(-2)!.name).toBeUndefined();
    expect(sent.at(-1)!.name).toBe(sent[0]!.name);
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
