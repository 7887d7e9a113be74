import type { Attributes } from '@opentelemetry/api';
import { OVERFLOW_ATTRIBUTE } from '../conventions.js';

/**
 * The subset of `base` named by `keys` (the overflow marker is always kept), plus a string
 * key that identifies that subset within one instrument. Used when a series derives its
 * labels from a wider bound handle; runs at bind time, never per record.
 */
export function pickAttributes(base: Attributes, keys: readonly string[]): { key: string; attributes: Attributes } {
  const attributes: Attributes = {};
  let key = '';
  if (base[OVERFLOW_ATTRIBUTE] !== undefined) {
    attributes[OVERFLOW_ATTRIBUTE] = true;
    key = OVERFLOW_ATTRIBUTE;
  }
  for (const k of keys) {
    const value = base[k];
    key += `\u001f${value === undefined ? '' : String(value)}`;
    if (value !== undefined) attributes[k] = value;
  }
  return { key, attributes };
}
