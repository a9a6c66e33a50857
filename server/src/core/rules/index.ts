// The rule set, run in a fixed order after shapes and costs. Each rule lives in its own
// file with its stable code; docs/rules.md documents every code.
import type { Analysis } from '../analysis';
import type { EngineDiagnostic } from '../diagnostics';
import { biasBeforeBn } from './biasBeforeBn';
import { channelsMultipleOf8 } from './channelsMultipleOf8';
import { deadBnChannel } from './deadBnChannel';
import { deadDepthwiseKernel } from './deadDepthwiseKernel';
import { fcHeavy } from './fcHeavy';
import { fuseSeparable } from './fuseSeparable';
import { activationHeavy } from './activationHeavy';
import { heavyGroupConv } from './heavyGroupConv';
import { largeKernel } from './largeKernel';
import { unbalancedPointwise } from './unbalancedPointwise';
import { latencyShares } from './latencyShares';
import { overBudget } from './overBudget';
import { plainDeepStack } from './plainDeepStack';
import { separableConv } from './separableConv';
import type { RuleOptions } from './options';
import type { Rule } from './types';
import { weightsStreamed } from './weightsStreamed';

export { dscSavings, isSeparableCandidate } from './separableConv';

const RULES: Rule[] = [
  separableConv,
  fuseSeparable,
  latencyShares,
  activationHeavy,
  weightsStreamed,
  overBudget,
  fcHeavy,
  largeKernel,
  unbalancedPointwise,
  heavyGroupConv,
  channelsMultipleOf8,
  biasBeforeBn,
  deadDepthwiseKernel,
  deadBnChannel,
  plainDeepStack,
];

export function runRules(analysis: Analysis, options: RuleOptions): EngineDiagnostic[] {
  const out: EngineDiagnostic[] = [];
  for (const rule of RULES) for (const d of rule(analysis, options)) out.push(d);
  return out;
}
