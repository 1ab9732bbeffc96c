import { metrics, trace, type Attributes } from "@opentelemetry/api";
import { DataPointType, MeterProvider, MetricReader, type Histogram } from "@opentelemetry/sdk-metrics";
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";

/** A finished span, reduced to what the tests compare. */
export interface RecordedSpan {
  name: string;
  kind: number;
  attributes: Attributes;
  status: { code: number; message?: string };
  /** Names of the span's events (`exception` for a recorded error). */
  events: string[];
  /** The id of the span's parent, when it has one. */
  parentSpanId?: string;
}

/** A counter's point: its attributes and value. */
export interface RecordedSum {
  attributes: Attributes;
  value: number;
}

/** A histogram's point: its attributes, count, and per-bucket counts (upper bounds in `boundaries`). */
export interface RecordedHistogram {
  attributes: Attributes;
  count: number;
  sum: number;
  boundaries: number[];
  counts: number[];
}

/** Reads what a MeterProvider collected, on demand. */
class CollectingReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/**
 * The OpenTelemetry SDK with in-memory exporters: a tracer and a meter to hand to a SessionManager,
 * and what they recorded, as plain values.
 */
export class TelemetryRecorder {
  readonly #spans = new InMemorySpanExporter();
  readonly #reader = new CollectingReader();
  readonly #tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: this.#spans })] });
  readonly #meterProvider = new MeterProvider({ readers: [this.#reader] });
  readonly tracer = this.#tracerProvider.getTracer("sessionrow");
  readonly meter = this.#meterProvider.getMeter("sessionrow");

  /** Registers these providers as OpenTelemetry's global ones (until {@link shutdown}). */
  registerGlobally(): void {
    trace.setGlobalTracerProvider(this.#tracerProvider);
    metrics.setGlobalMeterProvider(this.#meterProvider);
  }

  /** The spans finished so far, in the order they ended. */
  spans(): RecordedSpan[] {
    return this.#spans.getFinishedSpans().map((span) => ({
      name: span.name,
      kind: span.kind,
      attributes: span.attributes,
      status: span.status.message === undefined ? { code: span.status.code } : { code: span.status.code, message: span.status.message },
      events: span.events.map((event) => event.name),
      ...(span.parentSpanContext ? { parentSpanId: span.parentSpanContext.spanId } : {}),
    }));
  }

  /** Every metric point recorded so far (cumulative), by metric name. */
  async metrics(): Promise<Record<string, (RecordedSum | RecordedHistogram)[]>> {
    const { resourceMetrics, errors } = await this.#reader.collect();
    if (errors.length > 0) throw errors[0];
    const metrics: Record<string, (RecordedSum | RecordedHistogram)[]> = {};
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        metrics[metric.descriptor.name] = metric.dataPoints.map((point) => {
          if (metric.dataPointType !== DataPointType.HISTOGRAM) return { attributes: point.attributes, value: point.value as number };
          const histogram = point.value as Histogram;
          return {
            attributes: point.attributes,
            count: histogram.count,
            sum: histogram.sum ?? Number.NaN,
            boundaries: histogram.buckets.boundaries,
            counts: histogram.buckets.counts,
          };
        });
      }
    }
    return metrics;
  }

  /** The sum of a counter's points whose attributes include `attributes` (0 when none). */
  async counter(name: string, attributes: Attributes = {}): Promise<number> {
    const points = ((await this.metrics())[name] ?? []) as RecordedSum[];
    return points
      .filter((point) => Object.entries(attributes).every(([key, value]) => point.attributes[key] === value))
      .reduce((total, point) => total + point.value, 0);
  }

  /** Shuts the providers down and removes any global registration. */
  async shutdown(): Promise<void> {
    trace.disable();
    metrics.disable();
    await Promise.all([this.#tracerProvider.shutdown(), this.#meterProvider.shutdown()]);
  }
}
