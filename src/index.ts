/**
 * Persistent sessions as typed relational rows: {@link SessionManager} (all policy), {@link Session},
 * the {@link SessionStore} interface with the in-memory store, errors and transports. Loads no ORM
 * and no framework: stores and integrations live in the subpath entry points.
 * @module sessionrow
 */
export { SessionManager } from "./session-manager.js";
export { SessionCore } from "./session-core.js";
export type { FromPrismaOptions, LoadOptions } from "./session-manager.js";
export type { SessionLifecycle } from "./session-lifecycle.js";
export type { ClearTokenAction, KeepTokenAction, SetTokenAction, TokenAction } from "./token-action.js";
export type { SessionEvents } from "./session-events.js";
export type { Clock, ResolvedOptions, SessionManagerOptions } from "./session-manager-options.js";
export { Session } from "./session.js";
export type { ClearUserOptions, CountableKey, SessionData, SetUserOptions } from "./session.js";
export type { DictSession, Updater } from "./dict-session.js";
export type {
  IterateOptions,
  LoadedSession,
  LockedChange,
  SessionDataChanges,
  SessionDataRecord,
  SessionMerge,
  SessionMetadata,
  SessionRecord,
  SessionStore,
  SessionTouch,
  SessionUpdate,
  StoreCapabilities,
  StoreDatabase,
  UserId,
} from "./session-store.js";
export type {
  OpenTelemetryApi,
  TelemetryAttributes,
  TelemetryAttributeValue,
  TelemetryCounter,
  TelemetryHistogram,
  TelemetryInstrumentOptions,
  TelemetryMeter,
  TelemetryOptions,
  TelemetrySpan,
  TelemetryTracer,
} from "./telemetry/telemetry-options.js";
export { MemoryStore } from "./stores/memory-store.js";
export {
  ConflictError,
  SessionConfigError,
  SessionDataError,
  CsrfError,
  SessionError,
  SessionStateError,
  SessionStoreError,
} from "./errors.js";
export type { SessionDataErrorReason } from "./errors.js";
export type { Duration } from "./duration.js";
export { verifyRequestOrigin } from "./request-origin.js";
export type { RequestOriginOptions } from "./request-origin.js";
export { CookieTransport } from "./transports/cookie-transport.js";
export type { CookieTransportOptions } from "./transports/cookie-transport.js";
export { HeaderTransport } from "./transports/header-transport.js";
export type { HeaderTransportOptions } from "./transports/header-transport.js";
export type { SessionTransport } from "./transports/session-transport.js";
export type { TokenTransport } from "./transports/token-transport.js";
export type { RequestHeaders, ResponseHeader } from "./transports/request-headers.js";
export type { ExpressSessionOptions, SessionMiddleware } from "./express/session-middleware.js";
export type { Register, RequestSession } from "./express/request-session.js";
export type { SessionOf } from "./register.js";
