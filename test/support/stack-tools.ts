import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

/** deploy/versions.env: the one place for the stack's versions (KEY=value lines). */
export function stackVersions(): Record<string, string> {
  const text = readFileSync(resolve(root, 'deploy/versions.env'), 'utf8');
  const versions: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(\S+)$/.exec(line.trim());
    if (match?.[1] !== undefined && match[2] !== undefined) versions[match[1]] = match[2];
  }
  return versions;
}

/** The binaries scripts/build-components.sh builds, by name, and the folder each lives in. */
const COMPONENTS = {
  'otelcol-trading': ['otelcol', 'OTELCOL_VERSION'],
  jaeger: ['jaeger', 'JAEGER_VERSION'],
  prometheus: ['prometheus', 'PROMETHEUS_VERSION'],
  promtool: ['prometheus', 'PROMETHEUS_VERSION'],
  'openmetrics-check': ['prometheus', 'PROMETHEUS_VERSION'],
  alertmanager: ['alertmanager', 'ALERTMANAGER_VERSION'],
  amtool: ['alertmanager', 'ALERTMANAGER_VERSION'],
} as const;

export type StackBinary = keyof typeof COMPONENTS;

/** The folder .tools/<component>-<version>/ that holds `binary` (which may not be built yet). */
export function toolDir(binary: StackBinary): string {
  const [component, key] = COMPONENTS[binary];
  const version = stackVersions()[key];
  if (version === undefined) throw new Error(`deploy/versions.env has no ${key}`);
  return resolve(root, '.tools', `${component}-${version}`);
}

/** The path of a built binary; throws with the command that builds it when it is missing. */
export function stackBinary(binary: StackBinary): string {
  const path = resolve(toolDir(binary), binary);
  if (!existsSync(path)) throw new Error(`${path} is missing: run scripts/build-components.sh (bash .ci/run does)`);
  return path;
}
