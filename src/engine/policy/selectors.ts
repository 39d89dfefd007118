// metav1.LabelSelector compiled into a predicate over a label map. Every matchLabels pair and
// every expression must hold; {} selects everything; NotIn and DoesNotExist match objects that
// lack the key (apimachinery pkg/labels/selector.go Requirement.Matches).
import type { LabelSelectorModel, LabelSelectorRequirementModel } from '../model';

export type Labels = Readonly<Record<string, string>>;
export type LabelPredicate = (labels: Labels) => boolean;

/** Every object matches: kept as one function so callers can skip work by identity. */
export const MATCH_ALL: LabelPredicate = () => true;

/** The label's value, or undefined; own keys only (a label named "constructor" must not find Object's). */
function valueOf(labels: Labels, key: string): string | undefined {
  return Object.hasOwn(labels, key) ? labels[key] : undefined;
}

function compileRequirement(r: LabelSelectorRequirementModel): LabelPredicate {
  const { key } = r;
  // Few values in practice: an array scan beats a Set below a handful of entries.
  const values: { has(v: string): boolean } =
    r.values.length > 4 ? new Set(r.values) : { has: (v) => r.values.includes(v) };
  switch (r.operator) {
    case 'In':
      return (l) => {
        const v = valueOf(l, key);
        return v !== undefined && values.has(v);
      };
    case 'NotIn':
      return (l) => {
        const v = valueOf(l, key);
        return v === undefined || !values.has(v);
      };
    case 'Exists':
      return (l) => Object.hasOwn(l, key);
    case 'DoesNotExist':
      return (l) => !Object.hasOwn(l, key);
    default: {
      const never: never = r.operator;
      throw new Error(`unknown label selector operator ${String(never)}`);
    }
  }
}

export function compileSelector(s: LabelSelectorModel): LabelPredicate {
  const pairs = Object.entries(s.matchLabels);
  const reqs = s.matchExpressions.map(compileRequirement);
  if (pairs.length === 0 && reqs.length === 0) return MATCH_ALL;
  if (reqs.length === 0 && pairs.length === 1) {
    // The common case (app: web). A string value never equals an inherited member, so no own-key test.
    const [[k, v]] = pairs;
    return (l) => l[k] === v;
  }
  return (l) => {
    for (const [k, v] of pairs) if (valueOf(l, k) !== v) return false;
    for (const r of reqs) if (!r(l)) return false;
    return true;
  };
}
