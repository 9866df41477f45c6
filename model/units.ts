// Units live in the types: a bare number is not a Millicores, so a CPU value cannot be passed where bytes
// are expected. Values become Kubernetes strings only at the edge (see quantity.ts format*).

declare const unit: unique symbol;
export type Millicores = number & { readonly [unit]: "millicores" };
export type Bytes = number & { readonly [unit]: "bytes" };
export type Seconds = number & { readonly [unit]: "seconds" };

function checkInteger(what: string, n: number): void {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what} must be a safe integer, got ${n}`);
}

export function millicores(n: number): Millicores {
  checkInteger("millicores", n);
  return n as Millicores;
}
export function bytes(n: number): Bytes {
  checkInteger("bytes", n);
  return n as Bytes;
}
export function seconds(n: number): Seconds {
  checkInteger("seconds", n);
  return n as Seconds;
}

export const KiB = 1024;
export const MiB = 1024 * 1024;
export const GiB = 1024 * 1024 * 1024;

export const mebibytes = (n: number): Bytes => bytes(n * MiB);
export const gibibytes = (n: number): Bytes => bytes(n * GiB);
export const cores = (n: number): Millicores => millicores(Math.round(n * 1000));
