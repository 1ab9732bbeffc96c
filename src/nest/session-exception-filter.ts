import { Catch, Inject, type ArgumentsHost, type ExceptionFilter } from "@nestjs/common";
import { HttpAdapterHost } from "@nestjs/core";
import { STATUS_CODES } from "node:http";
import { SessionError } from "../errors.js";

/**
 * Answers a {@link SessionError} with its own status instead of Nest's generic 500: 409 for a
 * `ConflictError`, 503 for a `SessionStoreError` (database unreachable), with the error's `code`.
 * Registered app-wide by `SessionModule`; server-side errors show no message.
 */
@Catch(SessionError)
export class SessionExceptionFilter implements ExceptionFilter<SessionError> {
  // An explicit token: injection must not depend on the build emitting decorator metadata.
  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  catch(error: SessionError, host: ArgumentsHost): void {
    const { httpAdapter } = this.adapterHost;
    const response: unknown = host.switchToHttp().getResponse();
    if ((response as { headersSent?: boolean }).headersSent) return;
    const message = error.status < 500 ? error.message : STATUS_CODES[error.status];
    httpAdapter.reply(response, { statusCode: error.status, code: error.code, message }, error.status);
  }
}
