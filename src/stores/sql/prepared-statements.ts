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
// "cached plan must not change result type": a table the statement reads (`u.*`) changed its columns.
const FEATURE_NOT_SUPPORTED = "0A000";

/**
 * Sends sessionrow's statements on PostgreSQL as named prepared statements, so the server parses and
 * plans each once per connection rather than on every call. Each name is derived from the statement's
 * text, so one name means one text on every connection and in every process: a pooler that hands a
 * name to a connection where someone else prepared it runs the same statement.
 *
 * The three ways a prepared statement fails are all reported before it runs, so the statement is
 * sent again unnamed and nothing runs twice:
 * - "does not exist" or "already exists": a pooler in transaction mode that does not track prepared
 *   statements (PgBouncer before 1.21, or with `max_prepared_statements = 0`) moved the client to
 *   another server connection. Every later statement is sent unnamed.
 * - "cached plan must not change result type": a migration changed a table the statement reads.
 *   The statements get new names, prepared afresh on each connection.
 */
export class PreparedStatements {
  #enabled: boolean;
  #generation = 0;
  readonly #names = new Map<string, string>();

  /** @param enabled `false` sends every statement unnamed. */
  constructor(enabled: boolean) {
    this.#enabled = enabled;
  }

  /** Whether statements are still sent named: `false` once a pooler lost one. */
  get enabled(): boolean {
    return this.#enabled;
  }

  /**
   * Sends `statement` through `send`, named while prepared statements work, and sends it again
   * unnamed when the named statement failed as described on the class.
   */
  send<S extends PgStatement, R>(send: (statement: S) => Promise<R>, statement: S): Promise<R> {
    if (!this.#enabled) return send(statement);
    const name = this.#nameOf(statement.text);
    statement.name = name;
    return send(statement).catch((error: unknown) => {
      if (!this.#recovers(error, name)) throw error;
      delete statement.name;
      return send(statement);
    });
  }

  #nameOf(text: string): string {
    let name = this.#names.get(text);
    if (name === undefined) {
      // 63 bytes at most (PostgreSQL's NAMEDATALEN); 96 bits of SHA-256 keep distinct texts apart.
      name = `sessionrow_${createHash("sha256").update(text).digest("hex").slice(0, 24)}_${this.#generation}`;
      this.#names.set(text, name);
    }
    return name;
  }

  #recovers(error: unknown, name: string): boolean {
    const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
    if (code === STATEMENT_DOES_NOT_EXIST || code === STATEMENT_ALREADY_EXISTS) {
      this.#enabled = false;
      return true;
    }
    if (code === FEATURE_NOT_SUPPORTED && typeof message === "string" && message.includes("cached plan must not change result type")) {
      // Only the first failure of a generation moves on to the next: calls in flight fail the same way.
      if (name.endsWith(`_${this.#generation}`)) {
        this.#generation++;
        this.#names.clear();
      }
      return true;
    }
    return false;
  }
}
