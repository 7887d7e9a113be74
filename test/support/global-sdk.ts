import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import type { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';

/**
 * Registers `provider` globally with a context manager and the W3C propagators, as an SDK's
 * start does. The function returned shuts both providers down and unregisters it all.
 */
export function registerGlobalSdk(provider: BasicTracerProvider, meterProvider: MeterProvider): () => Promise<void> {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  return async () => {
    await provider.shutdown();
    await meterProvider.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
  };
}
