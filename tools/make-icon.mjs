// Writes images/icon.png (128x128 RGBA): the extension icon, a rounded square with three
// thick layer bars narrowing downwards, drawn in a 128-unit design grid so that it still
// reads at 32 px (each bar 6 px tall there, 2 px apart). Dependency-free (node:zlib):
//   node tools/make-icon.mjs [SIZE] [OUT]   (default 128 images/icon.png; 32 to preview)
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const N = Number(process.argv[2] ?? 128);
const OUT = process.argv[3] ?? 'images/icon.png';
const UNIT = 128 / N; // design units per pixel
const SS = 4; // supersampling per axis, for anti-aliased edges
const bg = [22, 40, 68];
const bars = [
  { y: 30, w: 104, c: [78, 214, 186] },
  { y: 64, w: 76, c: [255, 196, 70] },
  { y: 98, w: 44, c: [255, 110, 80] },
];
const HALF = 12; // half a bar's height

function inRounded(x, y, x0, y0, x1, y1, r) {
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r && x >= x0 && x <= x1 && y >= y0 && y <= y1;
}

// colour (or null) of one subsample point, in design units
function sample(x, y) {
  if (!inRounded(x, y, 0, 0, 128, 128, 20)) return null;
  for (const b of bars) if (inRounded(x, y, (128 - b.w) / 2, b.y - HALF, (128 + b.w) / 2, b.y + HALF, 6)) return b.c;
  return bg;
}

const raw = Buffer.alloc(N * (N * 4 + 1));
for (let py = 0; py < N; py++) {
  raw[py * (N * 4 + 1)] = 0; // filter: none
  for (let px = 0; px < N; px++) {
    let r = 0,
      g = 0,
      b = 0,
      a = 0;
    for (let sy = 0; sy < SS; sy++)
      for (let sx = 0; sx < SS; sx++) {
        const c = sample((px + (sx + 0.5) / SS) * UNIT, (py + (sy + 0.5) / SS) * UNIT);
        if (c) [r, g, b, a] = [r + c[0], g + c[1], b + c[2], a + 1];
      }
    const o = py * (N * 4 + 1) + 1 + px * 4;
    if (a) raw.set([Math.round(r / a), Math.round(g / a), Math.round(b / a), Math.round((255 * a) / (SS * SS))], o);
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(N, 0);
ihdr.writeUInt32BE(N, 4);
ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, png);
console.log(`${OUT}: ${N}x${N}, ${png.length} bytes`);
