const INVALID_UTF8 = [0xc3, 0x28, 0xff, 0xfe];
const TEXT_FIELD_MARKERS = [
  '"firstname":"',
  '"description":"',
  '"message":"',
  '<firstname>',
  '<message>',
  'message=',
];

/** Inserts bytes that are not UTF-8 into the first text field of the body (or its middle). */
export function corruptUtf8(body: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const text = new TextDecoder().decode(body);
  let at = -1;
  for (const marker of TEXT_FIELD_MARKERS) {
    const found = text.indexOf(marker);
    if (found !== -1) {
      at = new TextEncoder().encode(text.slice(0, found + marker.length)).length;
      break;
    }
  }
  if (at === -1) at = Math.floor(body.length / 2);
  const out = new Uint8Array(body.length + INVALID_UTF8.length);
  out.set(body.subarray(0, at), 0);
  out.set(INVALID_UTF8, at);
  out.set(body.subarray(at), at + INVALID_UTF8.length);
  return out;
}
