import type { Context } from '@opentelemetry/api';

/**
 * A context that is its parent with one value set: the API's Context, as every context manager
 * and propagator uses it (getValue, setValue, deleteValue), built in one small object. The API's
 * own context copies its parent's Map and makes three closures per value set, twice per order on
 * the trading path (the correlation id's baggage, then the order's span). A lookup walks up the
 * chain, one step per value set on the way down, which nesting keeps short.
 */
export class LayeredContext implements Context {
  readonly #parent: Context;
  readonly #key: symbol | undefined;
  readonly #value: unknown;

  private constructor(parent: Context, key: symbol | undefined, value: unknown) {
    this.#parent = parent;
    this.#key = key;
    this.#value = value;
  }

  /** `parent` as it is, whose next values are set the light way. */
  static over(parent: Context): Context {
    return parent instanceof LayeredContext ? parent : new LayeredContext(parent, undefined, undefined);
  }

  getValue(key: symbol): unknown {
    return this.#key === key ? this.#value : this.#parent.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    // A view over another context adds no layer of its own.
    return new LayeredContext(this.#key === undefined ? this.#parent : this, key, value);
  }

  deleteValue(key: symbol): Context {
    // Unset reads as undefined, as it does in the API's context.
    return this.setValue(key, undefined);
  }
}
