// `node out/bench/peer.js`: only the PyTorch peer figures (bench/peer.ts).
import { peerBench } from './peer';
import { printFigure } from './stats';

for (const f of peerBench()) printFigure(f);
