// Intake routing as the console shows it (mirror of crates/domain/src/routing.rs): the decision
// recorded on a complaint (`routing` on the complaint JSON, the `routed` event), the triage
// queue's suggestion (`route_hint` on list rows), and the reasons of repeat links. Pure: no Vue.

export type RoutingOutcome = 'assigned' | 'triage'
export type TargetSource = 'intake' | 'rule' | 'model'
export type RiskFlag = 'legal' | 'media' | 'safety'
export type RepeatReason = 'same_customer' | 'same_order' | 'similar_text'

export interface ClassScore {
  label: string
  score: number
}

export interface RoutedTarget {
  id?: number | null
  label?: string | null
  source?: TargetSource | null
  rule_id?: number | null
  top?: ClassScore[]
  model_version?: number | null
}

export interface RuleReason {
  rule_id: number
  name: string
  matched: string
}

export interface RoutingDecision {
  outcome: RoutingOutcome
  rules?: RuleReason[]
  category: RoutedTarget
  department: RoutedTarget
  /** `level1` … `level3`, the severity the risk rules set as a floor. */
  severity_floor?: string | null
  flags?: RiskFlag[]
  threshold: number
}

export interface RouteHint {
  outcome: string
  department?: string | null
  department_score?: number | null
  category?: string | null
  category_score?: number | null
  flags?: string[]
}

/** A probability as a whole percentage, e.g. 0.8234 → "82%". */
export function percent(p: number | null | undefined): string {
  if (p == null || !Number.isFinite(p)) return ''
  return `${Math.round(Math.min(1, Math.max(0, p)) * 100)}%`
}

/**
 * The temperature a model's confidence was calibrated with, from its stored metrics, or null when
 * it was not calibrated (too few examples or too few mistakes to fit on, or a model trained
 * before calibration existed).
 */
export function calibrationTemperature(metrics: unknown): number | null {
  const t = (metrics as Record<string, unknown> | null | undefined)?.temperature
  return typeof t === 'number' && Number.isFinite(t) && t > 0 && t !== 1 ? t : null
}

/** The severity floor as a number 1–3 (the API writes `level1`), or null. */
export function floorLevel(floor: string | null | undefined): 1 | 2 | 3 | null {
  const m = /^level([123])$/.exec(floor ?? '')
  return m ? (Number(m[1]) as 1 | 2 | 3) : null
}

/** How one target was decided, for a sentence: by rule (named), by model (with its score),
 * given at intake, or not decided (with the model's best guess, if any). */
export type TargetExplanation =
  | { kind: 'rule'; label: string; rule: string }
  | { kind: 'model'; label: string; score: number }
  | { kind: 'intake'; label: string }
  | { kind: 'suggestion'; label: string; score: number }
  | { kind: 'none' }

export function explainTarget(t: RoutedTarget, rules: RuleReason[] = []): TargetExplanation {
  const label = t.label ?? ''
  if (t.id != null && t.source === 'rule') {
    const rule = rules.find((r) => r.rule_id === t.rule_id)
    return { kind: 'rule', label, rule: rule?.name ?? `#${t.rule_id ?? '?'}` }
  }
  if (t.id != null && t.source === 'model') {
    const top = t.top?.find((c) => c.label === label) ?? t.top?.[0]
    return { kind: 'model', label, score: top?.score ?? 0 }
  }
  if (t.id != null && t.source === 'intake') return { kind: 'intake', label }
  const best = t.top?.[0]
  if (best) return { kind: 'suggestion', label: best.label, score: best.score }
  if (label) return { kind: 'suggestion', label, score: NaN }
  return { kind: 'none' }
}

/** Who sent a complaint to the department it was first assigned to: a keyword rule (named), the
 * model, or a person (routing left it in triage, or was off). The transfer form says so beside
 * its 分派有误 mark. */
export type FirstPlacement = { kind: 'rule'; rule: string } | { kind: 'model' } | { kind: 'person' }

export function firstPlacement(routing: RoutingDecision | null | undefined): FirstPlacement {
  if (routing?.outcome !== 'assigned') return { kind: 'person' }
  const e = explainTarget(routing.department, routing.rules)
  if (e.kind === 'rule') return { kind: 'rule', rule: e.rule }
  if (e.kind === 'model') return { kind: 'model' }
  return { kind: 'person' }
}

/** What routing would have chosen for a target it left undecided (the label of a rule whose
 * department this company lacks, or the model's best guess below the threshold), for a person to
 * confirm; null when routing decided it or has nothing to offer. */
export function suggestedLabel(t: RoutedTarget | null | undefined): string | null {
  if (!t) return null
  const e = explainTarget(t)
  return e.kind === 'suggestion' && e.label ? e.label : null
}

/** Parses a list row's `route_hint` (already an object from the API, or a JSON string). */
export function parseHint(h: unknown): RouteHint | null {
  if (!h) return null
  if (typeof h === 'string') {
    try {
      return parseHint(JSON.parse(h))
    } catch {
      return null
    }
  }
  if (typeof h !== 'object') return null
  const o = h as RouteHint
  return typeof o.outcome === 'string' ? o : null
}

/** The triage queue's one-line suggestion, or null when there is nothing to suggest. */
export function hintText(h: RouteHint | null): { department: string; score: string } | null {
  if (!h || !h.department) return null
  return { department: h.department, score: percent(h.department_score) }
}
