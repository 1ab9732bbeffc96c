import { createHash } from "node:crypto";

/** A node-postgres query: named, it is prepared once per connection and then only bound and executed. */
export interface PgStatement {
  /** The prepared statement's name; absent for an unnamed statement, parsed and planned every time. */
  name?: string;
  text: string;
  values: unknown[];
}

// SQLSTATEs of a named statement that a connection pooler in transaction mode lost or shares.
const STATEMENT_DOES_NOT_EXIST = "26000";
const STATEMENT_ALREADY_EXISTS = "42P05";
// "cached plan must not change result type" (raised in RevalidateCachedQuery): a table the statement
// reads (`u.*`) changed its columns.
const FEATURE_NOT_SUPPORTED = "0A000";

/**
 * Sends sessionrow's statements on PostgreSQL as named prepared statements, so the server parses and
 * plans each once per connection rather than on every call. Each name is derived from the statement's
 * text, so one name means one text on every connection and in every process: a pooler that hands a
 * name to a connection where someone else prepared it runs the same statement. The first
 * {@link MAX_NAMED_STATEMENTS} texts are named, any further ones (rare shapes of merged updates) go
 * unnamed, so a connection holds a bounded number of them.
 *
 * The three ways a prepared statement fails are all reported before it runs, so the statement is
 * sent again unnamed and nothing runs twice:
 * - "does not exist" or "already exists": a pooler in transaction mode that does not track prepared
 *   statements (PgBouncer before 1.21, or with `max_prepared_statements = 0`) moved the client to
 *   another server connection. Every later statement is sent unnamed, and a `SESSIONROW_PREPARED_STATEMENTS`
 *   warning says so once.
 * - "cached plan must not change result type": a migration changed a table the statement reads.
 *   Every statement moves to a new generation: a comment naming it ends the text, so the text and
 *   its name are new and are prepared afresh on each connection, by PostgreSQL and by a pooler that
 *   keeps prepared statements by their text (PgBouncer 1.21+).
 */
export class PreparedStatements {
  #enabled: boolean;
  #generation = 0;
  /** The name and the text sent, by statement text, for the current generation. */
  readonly #named = new Map<string, PgStatementText>();

  /** @param enabled `false` sends every statement unnamed. */
  constructor(enabled: boolean) {
    this.#enabled = enabled;
  }

  /** Whether statements are still sent named: `false` once a pooler lost one. */
  get enabled(): boolean {
    return this.#enabled;
  }

  /**
   * Sends `statement` through `transmit`, named while prepared statements work, and sends it again
   * unnamed, as it was given, when the named statement failed as described on the class.
   */
  send<S extends PgStatement, R>(transmit: (statement: S) => Promise<R>, statement: S): Promise<R> {
    if (!this.#enabled) return transmit(statement);
    const named = this.#namedFor(statement.text);
    if (named === null) return transmit(statement);
    const { text } = statement;
    statement.name = named.name;
    statement.text = named.text;
    return transmit(statement).catch((error: unknown) => {
      if (!this.#recoverFrom(error, text, named)) throw error;
      delete statement.name;
      statement.text = text;
      return transmit(statement);
    });
  }

  #namedFor(text: string): PgStatementText | null {
    let named = this.#named.get(text);
    if (named === undefined) {
      if (this.#named.size >= MAX_NAMED_STATEMENTS) return null;
      const sent = this.#generation === 0 ? text : `${text} /* sessionrow generation ${this.#generation} */`;
      // 63 bytes at most (PostgreSQL's NAMEDATALEN); 96 bits of SHA-256 keep distinct texts apart.
      named = { name: `sessionrow_${createHash("sha256").update(sent).digest("hex").slice(0, 24)}`, text: sent };
      this.#named.set(text, named);
    }
    return named;
  }

  /** Whether a failed named statement may be sent again unnamed; disables or renames statements as the failure requires. */
  #recoverFrom(error: unknown, text: string, named: PgStatementText): boolean {
    const { code, routine, message } = (error ?? {}) as { code?: unknown; routine?: unknown; message?: unknown };
    if (code === STATEMENT_DOES_NOT_EXIST || code === STATEMENT_ALREADY_EXISTS) {
      // Calls in flight may fail the same way: one warning.
      if (this.#enabled) {
        this.#enabled = false;
        process.emitWarning(
          `sessionrow: a named prepared statement failed with "${String(message)}" (SQLSTATE ${code}): the connection pooler ` +
            "does not keep prepared statements (PgBouncer before 1.21, or max_prepared_statements = 0). Statements are sent " +
            "unnamed from now on; set preparedStatements: false to skip the named attempt, or let the pooler keep them.",
          { code: "SESSIONROW_PREPARED_STATEMENTS" },
        );
      }
      return true;
    }
    const resultTypeChanged =
      code === FEATURE_NOT_SUPPORTED &&
      (routine === "RevalidateCachedQuery" || (typeof message === "string" && message.includes("cached plan must not change result type")));
    if (resultTypeChanged) {
      // Only the first failure of a generation moves on to the next: calls in flight fail the same way.
      if (this.#named.get(text) === named) {
        this.#generation++;
        this.#named.clear();
      }
      return true;
    }
    return false;
  }
}

/** A statement's prepared name and the text sent under it. */
interface PgStatementText {
  name: string;
  text: string;
}

/** Statement texts named per {@link PreparedStatements}: sessionrow's 6 fixed statements and the common shapes of merged updates. */
export const MAX_NAMED_STATEMENTS = 32;
