// `layerlint import MODEL [-o FILE.layers]`: a model in any readable format (ONNX, Caffe,
// Darknet, Ultralytics) as an editable `.layers` spec (server/src/export/layers.ts), on
// stdout or into FILE. Layers `.layers` cannot express are comments that say so.
//
// Exit: 0 written, every layer expressed (the spec's totals equal the model's); 1 written
// with layers left out as comments (listed on stderr); 2 usage or I/O error.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { exact } from '../../core/format';
import { analyzeSource } from '../../engine/analyzeSource';
import { exportLayers } from '../../export/layers';
import { deadChannelPruning } from '../../export/prune';
import { ANALYSIS_OPTIONS, parseCommandArgs } from '../args';
import { EXIT, UsageError } from '../io';
import { analyzeOne } from '../oneFile';
import type { Command } from './types';

const HELP = `Usage: layerlint import MODEL [-o FILE.layers] [--prune-dead]

Writes the model (.onnx, .prototxt, .cfg, Ultralytics .yaml) as an editable .layers spec:
one statement per layer, every option written out, so its figures equal the model's.
Layers .layers cannot express (reshapes, splits, per-channel scales, unknown ops) are
comments that say so, and the layers that depend on them too.

Options:
  -o, --output FILE      write the spec to FILE instead of stdout
  --prune-dead           leave out the channels of dead depthwise kernels (weights read):
                         from the depthwise conv and the conv that makes its input; the
                         figures before and after go to stderr
  --config PATH          use this configuration instead of the nearest layerlint.json
  -h, --help             this help

Exit codes: 0 every layer expressed (with --prune-dead, pruned), 1 some layers left out as
comments, 2 usage or I/O error.
`;

export const importCommand: Command = {
  name: 'import',
  summary: 'a model in any format as an editable .layers spec',
  help: HELP,
  run(argv, io) {
    const { values, positionals } = parseCommandArgs('import', argv, {
      config: ANALYSIS_OPTIONS.config,
      output: { type: 'string', short: 'o' },
      'prune-dead': { type: 'boolean' },
    });
    if (values.help) {
      io.out(HELP);
      return EXIT.ok;
    }
    const fa = analyzeOne('import', positionals, io, { configPath: values.config });
    const pruning = values['prune-dead'] ? deadChannelPruning(fa.doc.analysis, fa.doc.diagnostics) : undefined;
    const spec = exportLayers(fa.doc.analysis, fa.file, pruning?.ops);
    if (pruning?.pruned.length)
      spec.text = `# --prune-dead: the channels of dead depthwise kernels are left out: ${pruning.pruned.map((p) => `${p.layer} ${p.dead} of ${p.total}`).join(', ')}.\n${spec.text}`;
    if (values.output) {
      const out = resolve(io.cwd, values.output);
      try {
        writeFileSync(out, spec.text);
      } catch (e) {
        throw new UsageError(`cannot write ${values.output}: ${(e as Error).message}`);
      }
    } else io.out(spec.text);
    if (spec.leftOut.length)
      io.err(
        `${fa.file}: ${spec.leftOut.length} layer(s) not expressible in .layers, left as comments: ${spec.leftOut.slice(0, 10).join(', ')}${spec.leftOut.length > 10 ? ', ...' : ''}\n`,
      );
    if (pruning) {
      for (const p of pruning.pruned)
        io.err(`${fa.file}: ${p.layer}: ${p.dead} of ${p.total} dead channels left out (and from ${p.producer})\n`);
      for (const k of pruning.kept) io.err(`${fa.file}: ${k.layer}: dead channels kept: ${k.why}\n`);
      if (!pruning.pruned.length && !pruning.kept.length)
        io.err(`${fa.file}: no dead depthwise kernels found (weights not read, or none dead)\n`);
      else if (spec.expressible) {
        const after = analyzeSource(spec.text, 'pruned.layers').analysis.totals;
        const before = fa.doc.analysis.totals;
        io.err(
          `${fa.file}: pruned spec: ${exact(before.macs)} → ${exact(after.macs)} MACs, ${exact(before.params)} → ${exact(after.params)} params\n`,
        );
      }
    }
    return spec.expressible ? EXIT.ok : EXIT.findings;
  },
};
