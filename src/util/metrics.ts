/**
 * Declares prom-client metrics on one Registry. The operator and every gateway node keep a
 * Registry of their own, never prom-client's global one (tests run several operators and
 * nodes in one process), so every metric must name it; with these helpers a declaration is
 * its name, help and label names, and the registry cannot be forgotten.
 */
import { Counter, Gauge, Histogram, type GaugeConfiguration, type Registry } from 'prom-client';

/** Sets the gauge from the source at scrape time (`this` is the gauge). */
export type GaugeCollect<L extends string> = NonNullable<GaugeConfiguration<L>['collect']>;

export interface MetricDeclarations {
  counter<L extends string = string>(
    name: string,
    help: string,
    labelNames?: readonly L[],
  ): Counter<L>;
  gauge<L extends string = string>(
    name: string,
    help: string,
    labelNames?: readonly L[],
    collect?: GaugeCollect<L>,
  ): Gauge<L>;
  histogram<L extends string = string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    buckets: number[],
  ): Histogram<L>;
}

/** Metric constructors that register on `registry` only. */
export function declareMetrics(registry: Registry): MetricDeclarations {
  const registers = [registry];
  return {
    // labelNames [] is prom-client's own default; collect is left out when not given (an
    // explicit undefined would replace prom-client's defaults).
    counter: (name, help, labelNames = []) => new Counter({ name, help, labelNames, registers }),
    gauge: (name, help, labelNames = [], collect) =>
      new Gauge({ name, help, labelNames, registers, ...(collect ? { collect } : {}) }),
    histogram: (name, help, labelNames, buckets) =>
      new Histogram({ name, help, labelNames, buckets, registers }),
  };
}
