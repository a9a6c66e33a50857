// `node out/bench/tree.js`: only the whole-tree check figures (bench/tree.ts).
import { printFigure } from './stats';
import { treeBench } from './tree';

for (const f of treeBench()) printFigure(f);
