import { relative } from 'node:path';
import { buildModule } from '../src/build/build-module.ts';

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const built = await buildModule();
console.log(`built ${relative(process.cwd(), built.dir)}/ and ${relative(process.cwd(), built.zip)}`);
console.log(
  `bundle: app.js ${kb(built.bundle.js)} (${kb(built.bundle.jsGzip)} gzipped), app.css ${kb(built.bundle.css)} (${kb(built.bundle.cssGzip)} gzipped)`,
);
