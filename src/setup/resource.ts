import { randomUUID } from 'node:crypto';
import { detectResources, hostDetector, processDetector, type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import type { ResolvedConfig } from './config.js';

/**
 * The process resource: host and process facts, then `OTEL_RESOURCE_ATTRIBUTES`, then the
 * service identity and code options, later ones winning. `service.instance.id` is new on
 * every start so two replicas (or a restart) never share series.
 */
export function buildResource(config: ResolvedConfig): Resource {
  const fromEnv = config.envResourceAttributes;
  return detectResources({ detectors: [hostDetector, processDetector] }).merge(
    resourceFromAttributes({
      ...fromEnv,
      'service.name': config.serviceName,
      'service.version': fromEnv['service.version'] ?? config.serviceVersion,
      'service.instance.id': randomUUID(),
      'deployment.environment.name': fromEnv['deployment.environment.name'] ?? config.environment,
      ...config.resourceAttributes,
    }),
  );
}
