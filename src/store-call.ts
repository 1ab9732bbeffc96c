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
export function callStore<T>(operation: () => Promise<T>, timeoutMs: number): Promise<T> {
  // A promise of its own rather than a race against a timeout promise: this wraps every store call.
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(rejectOnTimeout, timeoutMs, reject, timeoutMs);
    let pending: Promise<T>;
    try {
      pending = Promise.resolve(operation());
    } catch (error) {
      clearTimeout(timer);
      reject(toStoreError(error));
      return;
    }
    pending.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(toStoreError(error));
      },
    );
  });
}

function rejectOnTimeout(reject: (error: unknown) => void, timeoutMs: number): void {
  reject(toStoreError(new StoreTimeoutError(`no answer within storeTimeout (${timeoutMs} ms)`)));
}
