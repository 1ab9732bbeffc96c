import { toStoreError } from "./errors.js";

/** The cause of the `SessionStoreError` thrown when a store call did not answer within `storeTimeout`. */
export class StoreTimeoutError extends Error {
  override readonly name = "StoreTimeoutError";
}

/**
 * Runs a store call within `timeoutMs`, turning any failure that is not already a SessionError into a
 * SessionStoreError (HTTP 503). The call itself is not cancelled when the time is up: the database
 * may still finish it, which is why every store write is version-checked or idempotent.
 */
export async function callStore<T>(operation: () => Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreTimeoutError(`no answer within storeTimeout (${timeoutMs} ms)`)), timeoutMs);
  });
  try {
    return await Promise.race([operation(), timeout]);
  } catch (error) {
    throw toStoreError(error);
  } finally {
    clearTimeout(timer);
  }
}
