import { type CompiledClause, stringListClause } from './clause.js';

/**
 * A run of consecutive rules that each have exactly one clause "attribute `a` is one of these
 * strings" on the same attribute. One lookup of the context's value finds the first rule of the
 * run that matches, instead of testing each rule in turn: rules of that form are what teams
 * write most (plan, country, app version lists), and long lists of them are the slow case of
 * rule-by-rule evaluators.
 */
export interface RuleRun {
  readonly attribute: string;
  /** Value → index (into the flag's rules) of the first rule of the run listing it. */
  readonly first: ReadonlyMap<string, number>;
  /** Index just past the run's last rule. */
  readonly end: number;
}

/**
 * For each rule (given by its clauses), the run that starts there (runs of at least two rules),
 * or undefined.
 */
export function indexRuleRuns(rules: readonly (readonly CompiledClause[])[]): (RuleRun | undefined)[] {
  const runs: (RuleRun | undefined)[] = rules.map(() => undefined);
  const only = (i: number) => {
    const clauses = rules[i]!;
    return clauses.length === 1 ? stringListClause(clauses[0]!) : undefined;
  };
  let i = 0;
  while (i < rules.length) {
    const head = only(i);
    let end = i + 1;
    while (head !== undefined && end < rules.length && only(end)?.attribute === head.attribute) end++;
    if (head !== undefined && end - i >= 2) {
      const first = new Map<string, number>();
      for (let r = i; r < end; r++) for (const v of only(r)!.values) if (!first.has(v)) first.set(v, r);
      runs[i] = { attribute: head.attribute, first, end };
    }
    i = end;
  }
  return runs;
}
