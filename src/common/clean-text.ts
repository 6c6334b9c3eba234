/**
 * Makes a string storable in PostgreSQL: removes NUL characters (a `text` value cannot hold them)
 * and replaces unpaired UTF-16 surrogates, which have no UTF-8 encoding, with U+FFFD.
 */
export function cleanText(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/\u0000/g, '').toWellFormed();
}
