/** Send the client this token: a new session was saved, or its token was rotated (login, logout, `regenerate()`). */
export interface SetTokenAction {
  /** Discriminant. */
  readonly type: "set";
  /** The signed value the client must present from now on. */
  readonly token: string;
  /** When the session ends at the latest (its absolute expiry): a cookie's `Expires`. */
  readonly expiresAt: Date;
}

/** Tell the client to forget its token: the session was destroyed, or the token it sent is forged or expired. */
export interface ClearTokenAction {
  /** Discriminant. */
  readonly type: "clear";
}

/** Leave the client's token as it is. */
export interface KeepTokenAction {
  /** Discriminant. */
  readonly type: "none";
}

/**
 * What a response must do with the client's token, as decided by `SessionManager.commit`. A
 * transport turns it into response headers (`Set-Cookie`, a token header); an adapter only adds
 * those headers to its framework's response.
 */
export type TokenAction = SetTokenAction | ClearTokenAction | KeepTokenAction;
