/**
 * The OpenTelemetry bootstrap of the README's "Observability" section: load it before the app
 * (`node --import ./telemetry.js app.js`) so that the SDK is registered before anything records.
 * Metrics are served to Prometheus on :9464/metrics; spans go to an OTLP collector
 * (OTEL_EXPORTER_OTLP_ENDPOINT, by default http://localhost:4318).
 */
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { BatchSpanProcessor } from "@opentelemetry/sdk-trace";

export const sdk = new NodeSDK({
  serviceName: "shop",
  metricReaders: [new PrometheusExporter({ port: 9464 })],
  spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })],
});
sdk.start();
