/** An exponentially weighted moving mean and variance, updated online. */
export class Ewma {
  mean = 0;
  variance = 0;
  count = 0;
  readonly #alpha: number;

  /** @param alpha weight of each new value, 0 to 1 (larger forgets faster). */
  constructor(alpha: number) {
    this.#alpha = alpha;
  }

  get sd(): number {
    return Math.sqrt(this.variance);
  }

  /** Adds `value`. The first value seeds the mean. */
  update(value: number): void {
    this.count++;
    if (this.count === 1) {
      this.mean = value;
      return;
    }
    const delta = value - this.mean;
    this.mean += this.#alpha * delta;
    this.variance = (1 - this.#alpha) * (this.variance + this.#alpha * delta * delta);
  }
}
