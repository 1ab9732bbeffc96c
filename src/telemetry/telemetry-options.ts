/** An attribute value OpenTelemetry accepts on spans and metric points. */
export type TelemetryAttributeValue = string | number | boolean;

/** Attributes of a span or a metric point. */
export type TelemetryAttributes = Record<string, TelemetryAttributeValue>;

/** The part of an OpenTelemetry `Span` sessionrow uses (`@opentelemetry/api`'s `Span` is one). */
export interface TelemetrySpan {
  /** Whether the span records anything (false for a non-sampled or no-op span). */
  isRecording(): boolean;
  setAttribute(key: string, value: TelemetryAttributeValue): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  recordException(exception: Error): unknown;
  end(): void;
}

/** The part of an OpenTelemetry `Tracer` sessionrow uses (`trace.getTracer("sessionrow")` is one). */
export interface TelemetryTracer {
  /** Starts a span, a child of the active span (the HTTP request's, when the app is instrumented). */
  startSpan(name: string, options?: { kind?: number; attributes?: TelemetryAttributes }): TelemetrySpan;
}

/** The part of an OpenTelemetry `Counter` sessionrow uses. */
export interface TelemetryCounter {
  add(value: number, attributes?: TelemetryAttributes): void;
}

/** The part of an OpenTelemetry `Histogram` sessionrow uses. */
export interface TelemetryHistogram {
  record(value: number, attributes?: TelemetryAttributes): void;
}

/** How an instrument is described to the SDK (a subset of `@opentelemetry/api`'s `MetricOptions`). */
export interface TelemetryInstrumentOptions {
  description?: string;
  unit?: string;
  advice?: { explicitBucketBoundaries?: number[] };
}

/** The part of an OpenTelemetry `Meter` sessionrow uses (`metrics.getMeter("sessionrow")` is one). */
export interface TelemetryMeter {
  createCounter(name: string, options?: TelemetryInstrumentOptions): TelemetryCounter;
  createHistogram(name: string, options?: TelemetryInstrumentOptions): TelemetryHistogram;
}

/**
 * The part of the `@opentelemetry/api` module sessionrow uses: pass the module itself
 * (`import * as otel from "@opentelemetry/api"`) and sessionrow takes its tracer and meter named
 * `sessionrow` from the globally registered providers.
 */
export interface OpenTelemetryApi {
  trace: { getTracer(name: string): TelemetryTracer };
  metrics: { getMeterProvider(): { getMeter(name: string): TelemetryMeter } };
}

/**
 * Where sessionrow sends its spans and metrics: the `@opentelemetry/api` module (its global
 * providers), or a tracer and/or a meter of your own. sessionrow never imports OpenTelemetry: with no
 * `telemetry` option, store calls run exactly as without it.
 *
 * @example
 * ```ts
 * import * as otel from "@opentelemetry/api";
 * SessionManager.fromPrisma(prisma, { secret, telemetry: otel });
 * // or: telemetry: { tracer: otel.trace.getTracer("sessionrow"), meter: myMeterProvider.getMeter("sessionrow") }
 * ```
 */
export type TelemetryOptions = OpenTelemetryApi | { tracer?: TelemetryTracer; meter?: TelemetryMeter };
