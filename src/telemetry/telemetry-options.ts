/** An attribute value OpenTelemetry accepts on spans and metric points. */
export type TelemetryAttributeValue = string | number | boolean;

/** Attributes of a span or a metric point. */
export type TelemetryAttributes = Record<string, TelemetryAttributeValue>;

/** The part of an OpenTelemetry `Span` sessionrow uses (`@opentelemetry/api`'s `Span` is one). */
export interface TelemetrySpan {
  /** Whether the span records anything (false for a non-sampled or no-op span). */
  isRecording(): boolean;
  /** Sets one attribute. */
  setAttribute(key: string, value: TelemetryAttributeValue): unknown;
  /** Sets the status: code 2 (`SpanStatusCode.ERROR`) with a message when the call failed. */
  setStatus(status: { code: number; message?: string }): unknown;
  /** Adds an `exception` event for a failure. */
  recordException(exception: Error): unknown;
  /** Renames the span (once the store knows its table). */
  updateName(name: string): unknown;
  /** Ends the span. */
  end(): void;
}

/** The part of an OpenTelemetry `Tracer` sessionrow uses (`trace.getTracer("sessionrow")` is one). */
export interface TelemetryTracer {
  /** Starts a span, a child of the active span (the HTTP request's, when the app is instrumented). */
  startSpan(name: string, options?: { kind?: number; attributes?: TelemetryAttributes }): TelemetrySpan;
}

/** The part of an OpenTelemetry `Counter` sessionrow uses. */
export interface TelemetryCounter {
  /** Adds `value` to the point of `attributes`. */
  add(value: number, attributes?: TelemetryAttributes): void;
}

/** The part of an OpenTelemetry `Histogram` sessionrow uses. */
export interface TelemetryHistogram {
  /** Records one value in the point of `attributes`. */
  record(value: number, attributes?: TelemetryAttributes): void;
}

/** How an instrument is described to the SDK (a subset of `@opentelemetry/api`'s `MetricOptions`). */
export interface TelemetryInstrumentOptions {
  /** What the instrument measures. */
  description?: string;
  /** Its unit (UCUM: `s`, `{session}`). */
  unit?: string;
  /** Hints for the SDK's default aggregation. */
  advice?: {
    /** A histogram's bucket boundaries. */
    explicitBucketBoundaries?: number[];
  };
}

/** The part of an OpenTelemetry `Meter` sessionrow uses (`metrics.getMeter("sessionrow")` is one). */
export interface TelemetryMeter {
  /** Creates a counter. */
  createCounter(name: string, options?: TelemetryInstrumentOptions): TelemetryCounter;
  /** Creates a histogram. */
  createHistogram(name: string, options?: TelemetryInstrumentOptions): TelemetryHistogram;
}

/**
 * The part of the `@opentelemetry/api` module sessionrow uses: pass the module itself
 * (`import * as otel from "@opentelemetry/api"`) and sessionrow uses the tracer and meter named
 * `sessionrow` of the globally registered providers, whenever the app registers them.
 */
export interface OpenTelemetryApi {
  /** The tracing API (`trace`). */
  trace: {
    /** A tracer of the global TracerProvider (a proxy until the SDK registers one). */
    getTracer(name: string): TelemetryTracer;
  };
  /** The metrics API (`metrics`). */
  metrics: {
    /** The global MeterProvider as it is now (a no-op one until the SDK registers one). */
    getMeterProvider(): {
      /** A meter of this provider. */
      getMeter(name: string): TelemetryMeter;
    };
  };
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
export type TelemetryOptions =
  | OpenTelemetryApi
  | {
      /** Where spans go; none without it. */
      tracer?: TelemetryTracer;
      /** Where metrics go; none without it. */
      meter?: TelemetryMeter;
    };
