import fc from 'fast-check';

/** Anything a JS caller might pass where a number is expected. */
export const anyNumber = fc.oneof(
  fc.double(),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE),
  fc.integer(),
  fc.anything(),
);
