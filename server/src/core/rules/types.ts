// What a rule sees and returns. A rule is a pure function of the analysis and its options.
import type { Analysis } from '../analysis';
import type { EngineDiagnostic } from '../diagnostics';
import type { RuleOptions } from './options';

export type Rule = (analysis: Analysis, options: RuleOptions) => EngineDiagnostic[];
