/**
 * A minimal MaxMind DB writer for tests: an IPv4 database (24-bit records) mapping prefixes to
 * records of maps and strings, in the binary format
 * (https://maxmind.github.io/MaxMind-DB/). Enough to stand in for a GeoLite2 file, which tests
 * cannot ship.
 */
export type MmdbValue = string | number | MmdbValue[] | { [key: string]: MmdbValue };

const METADATA_MARKER = Buffer.from('abcdef4d61784d696e642e636f6d', 'hex');

function control(type: number, size: number): Buffer {
  if (size >= 29) throw new Error('This test writer encodes only values shorter than 29.');
  // Types above 7 are "extended": type 0 in the control byte, then type - 7 in the next byte.
  return type <= 7 ? Buffer.from([(type << 5) | size]) : Buffer.from([size, type - 7]);
}

function encode(value: MmdbValue): Buffer {
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([control(2, bytes.length), bytes]);
  }
  if (typeof value === 'number') {
    // uint32, big-endian, without leading zero bytes.
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32BE(value);
    let start = 0;
    while (start < 4 && bytes[start] === 0) start++;
    return Buffer.concat([control(6, 4 - start), bytes.subarray(start)]);
  }
  if (Array.isArray(value)) {
    return Buffer.concat([control(11, value.length), ...value.map(encode)]);
  }
  const entries = Object.entries(value);
  return Buffer.concat([
    control(7, entries.length),
    ...entries.flatMap(([key, item]) => [encode(key), encode(item)]),
  ]);
}

/** An IPv4 mmdb file whose `prefixes` (`'81.2.69.0/24'`, none inside another) hold the given records. */
export function writeMmdb(
  prefixes: Record<string, { [key: string]: MmdbValue }>,
  databaseType = 'Test-Country',
): Buffer {
  const data: Buffer[] = [];
  let dataSize = 0;
  const leaves: { bits: number[]; offset: number }[] = [];
  for (const [cidr, record] of Object.entries(prefixes)) {
    const [address, length] = cidr.split('/');
    const value = address.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
    const bits = Array.from({ length: Number(length) }, (_, i) => (value >>> (31 - i)) & 1);
    leaves.push({ bits, offset: dataSize });
    const bytes = encode(record);
    data.push(bytes);
    dataSize += bytes.length;
  }

  // The tree: node 0 is the root; a record is a node number, `nodeCount` (no data) or a data pointer.
  const nodes: (number | { data: number })[][] = [[-1, -1]];
  for (const { bits, offset } of leaves) {
    let node = 0;
    bits.forEach((bit, depth) => {
      if (depth === bits.length - 1) {
        nodes[node][bit] = { data: offset };
        return;
      }
      const next = nodes[node][bit];
      if (typeof next === 'number' && next > 0) {
        node = next;
      } else {
        nodes.push([-1, -1]);
        nodes[node][bit] = nodes.length - 1;
        node = nodes.length - 1;
      }
    });
  }
  const nodeCount = nodes.length;
  const tree = Buffer.alloc(nodeCount * 6);
  nodes.forEach((records, index) => {
    records.forEach((record, side) => {
      const value =
        typeof record === 'object' ? nodeCount + 16 + record.data : record < 0 ? nodeCount : record;
      tree.writeUIntBE(value, index * 6 + side * 3, 3);
    });
  });

  const metadata = encode({
    node_count: nodeCount,
    record_size: 24,
    ip_version: 4,
    database_type: databaseType,
    languages: [],
    binary_format_major_version: 2,
    binary_format_minor_version: 0,
    build_epoch: 1_765_000_000,
    description: {},
  });
  return Buffer.concat([tree, Buffer.alloc(16), ...data, METADATA_MARKER, metadata]);
}
