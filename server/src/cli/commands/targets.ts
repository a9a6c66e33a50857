// `layerlint targets`: the latency targets (core/targets.ts), one line each (id, then what it
// models), or with --format json every figure of every profile and its sources.
import { TARGETS } from '../../core/targets';
import { oneOf, parseCommandArgs } from '../args';
import { EXIT } from '../io';
import type { Command } from './types';

const HELP = `Usage: layerlint targets [--format text|json]

Lists the latency targets: the NAME that \`target NAME\`, --target and the layerlint.target
setting take, and what each profile models. --format json prints every profile's figures
(peak MAC rate per op kind, memory bandwidth, per-kernel overhead, fused ops, channel
granularity, precision) and the sources they come from (docs/latency.md).
`;

export const targets: Command = {
  name: 'targets',
  summary: 'list the latency target profiles (one line each, or json with their sources)',
  help: HELP,
  run(argv, io) {
    const { values } = parseCommandArgs('targets', argv, { format: { type: 'string' } });
    if (values.help) {
      io.out(HELP);
      return EXIT.ok;
    }
    const format = oneOf(values.format, ['text', 'json'] as const, '--format', 'text');
    if (format === 'json') io.out(`${JSON.stringify(TARGETS, null, 2)}\n`);
    else {
      const width = Math.max(...TARGETS.map((t) => t.id.length));
      io.out(TARGETS.map((t) => `${t.id.padEnd(width)}  ${t.summary}\n`).join(''));
    }
    return EXIT.ok;
  },
};
