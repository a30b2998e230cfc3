/** A copy of `array` in a new one of `capacity` elements: typed arrays cannot grow in place. */
export function grown<T extends Uint32Array | Float64Array>(array: T, capacity: number): T {
  const copy = new (array.constructor as new (length: number) => T)(capacity);
  copy.set(array);
  return copy;
}
