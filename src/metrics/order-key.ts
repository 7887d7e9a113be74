import type { Attributes } from '@opentelemetry/api';
import { Attr, ORDER_TYPES, SIDES, type MeasurementRejection, type OrderType, type Side } from '../conventions.js';
import { describeValue } from './describe-value.js';
import { isLabelValue, isOneOf, labelKey } from './label-values.js';

/** Identifies an order stream: the labels every order metric of these orders carries. */
export interface OrderKey {
  readonly exchange: string;
  readonly symbol: string;
  readonly side: Side;
  /** Defaults to `limit`. */
  readonly orderType?: OrderType;
  /** Omitted from the labels when not given. */
  readonly strategy?: string;
}

/** Why a key cannot label a series. */
export interface KeyProblem {
  readonly reason: MeasurementRejection;
  readonly detail: string;
}

/** The problem with `key`, or undefined when every field may become a label. */
export function orderKeyProblem(key: OrderKey): KeyProblem | undefined {
  if (typeof key !== 'object' || (key as OrderKey | null) === null) return { reason: 'invalid_label', detail: 'order key must be an object' };
  const label = (field: string, value: unknown): KeyProblem => ({
    reason: 'invalid_label',
    detail: `${field} ${describeValue(value)} is not a valid label value (1-64 of A-Z a-z 0-9 _ . : / @ + -)`,
  });
  const member = (field: string, value: unknown, members: readonly string[]): KeyProblem => ({
    reason: 'invalid_enum',
    detail: `${field} ${describeValue(value)} is not one of ${members.join('|')}`,
  });
  if (!isLabelValue(key.exchange)) return label('exchange', key.exchange);
  if (!isLabelValue(key.symbol)) return label('symbol', key.symbol);
  if (!isOneOf(SIDES, key.side)) return member('side', key.side, SIDES);
  if (key.orderType !== undefined && !isOneOf(ORDER_TYPES, key.orderType)) {
    return member('orderType', key.orderType, ORDER_TYPES);
  }
  if (key.strategy !== undefined && !isLabelValue(key.strategy)) return label('strategy', key.strategy);
  return undefined;
}

/**
 * A string that identifies the key's label values, or undefined when it cannot be one. An
 * omitted order type is the `limit` it is labelled as, so both spellings are one series.
 */
export function orderKeyString(key: OrderKey): string | undefined {
  if (typeof key !== 'object' || (key as OrderKey | null) === null) return undefined;
  return labelKey(key.exchange, key.symbol, key.side, key.orderType ?? 'limit', key.strategy);
}

/** The labels of a valid key. */
export function orderKeyAttributes(key: OrderKey): Attributes {
  const attributes: Attributes = {
    [Attr.exchange]: key.exchange,
    [Attr.symbol]: key.symbol,
    [Attr.side]: key.side,
    [Attr.orderType]: key.orderType ?? 'limit',
  };
  if (key.strategy !== undefined) attributes[Attr.strategy] = key.strategy;
  return attributes;
}
