// `node out/bench/formats.js`: only the per-format reader figures (bench/formats.ts), one
// line each, for iterating on a front-end without the whole benchmark suite.
import { formatsBench } from './formats';
import { printFigure } from './stats';

for (const f of formatsBench()) printFigure(f);
