import { deflateSync } from 'node:zlib';

/*
 * The module's logo.png, drawn in code so the repository holds no binary: three rising bars
 * in WHMCS Blend's blue on white, 96 x 96.
 */

const SIZE = 96;
const BLUE = [0x1a, 0x4d, 0x80];
const GREEN = [0x46, 0xa5, 0x46];

function crc32(bytes: Uint8Array): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function pixel(x: number, y: number): number[] {
  const bars = [
    { x0: 14, x1: 32, top: 58 },
    { x0: 39, x1: 57, top: 38 },
    { x0: 64, x1: 82, top: 18 },
  ];
  if (y >= 82 && y < 86 && x >= 10 && x < 86) return BLUE;
  for (const [i, bar] of bars.entries()) {
    if (x >= bar.x0 && x < bar.x1 && y >= bar.top && y < 82) return i === 2 ? GREEN : BLUE;
  }
  return [0xff, 0xff, 0xff];
}

/** The logo as PNG bytes. */
export function logoPng(): Buffer {
  const rows: number[] = [];
  for (let y = 0; y < SIZE; y++) {
    rows.push(0);
    for (let x = 0; x < SIZE; x++) rows.push(...pixel(x, y));
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.from(rows))),
    chunk('IEND', new Uint8Array()),
  ]);
}
