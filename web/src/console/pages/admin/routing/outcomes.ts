// How routing fared in practice (the routing page's 分派效果), from GET /routing/outcomes: the
// shares the card shows and which departments lose too many complaints. Pure.

import type { LabelOutcomeDto, RoutingOutcomesDto, RuleOutcomeDto, SourceOutcomeDto } from '@shared/api/types'

/** A department whose complaints people move away this often (or more) is marked. */
export const HIGH_MOVED_SHARE = 0.2

/** `part` of `whole` as a fraction, or null when there is nothing to divide. */
export function share(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null
}

/** A rule's or the model's figures: how many were sent, kept, moved, and the moved share. */
export interface AutoTile {
  complaints: number
  kept: number
  moved: number
  movedShare: number | null
  /** Said by a person to have gone to the wrong department (分派有误): routing's mistakes for
   * certain, where `moved` is only an upper bound. */
  misrouted: number
}

/** Triage's figures: how many waited, were placed by a person, and followed the suggestion. */
export interface TriageTile {
  complaints: number
  placed: number
  waiting: number
  followed: number
  /** Of those placed where routing had a suggestion, the share placed as suggested. */
  followedShare: number | null
  /** Placed by a person and later said to have gone to the wrong department. */
  misrouted: number
}

function auto(s: SourceOutcomeDto): AutoTile {
  const placed = s.same + s.other
  return { complaints: s.complaints, kept: s.same, moved: s.other, movedShare: share(s.other, placed), misrouted: s.misrouted }
}

/** The three tiles: by rule, by model, left to triage. */
export function tiles(o: RoutingOutcomesDto): { rule: AutoTile; model: AutoTile; triage: TriageTile } {
  const t = o.triage
  return {
    rule: auto(o.rule),
    model: auto(o.model),
    triage: {
      complaints: t.complaints,
      placed: t.same + t.other + t.unsuggested,
      waiting: t.waiting,
      followed: t.same,
      followedShare: share(t.same, t.same + t.other),
      misrouted: t.misrouted,
    },
  }
}

/** A row of the per-department, per-category or per-rule table, with its moved share. */
export type Row<T> = T & {
  movedShare: number
  /** Moved away at least {@link HIGH_MOVED_SHARE} of the time. */
  high: boolean
}

function withShare<T extends { routed: number; moved: number }>(r: T): Row<T> {
  const movedShare = share(r.moved, r.routed) ?? 0
  return { ...r, movedShare, high: r.moved > 0 && movedShare >= HIGH_MOVED_SHARE }
}

/** The per-department rows, in the server's order (most often moved away first). */
export function departmentRows(o: RoutingOutcomesDto): Row<LabelOutcomeDto>[] {
  return o.departments.map(withShare)
}

/** The per-category rows, in the server's order (most often classified again first). */
export function categoryRows(o: RoutingOutcomesDto): Row<LabelOutcomeDto>[] {
  return o.categories.map(withShare)
}

/** The per-rule rows, in the server's order (most often moved away first). */
export function ruleRows(o: RoutingOutcomesDto): Row<RuleOutcomeDto>[] {
  return o.rules.map(withShare)
}

/** Which complaints behind a number of the card to open: the API's list parameters. */
export interface Drill {
  by?: 'rule' | 'model' | 'triage' | 'auto'
  department?: string
  rule_id?: number
  category?: string
  result?: 'kept' | 'moved' | 'misrouted' | 'reclassified' | 'waiting'
}

/** The workbench URL query that lists the complaints behind a number: every queue, the figures'
 * period, and the routing drill-down (`auto` = sent to a department by a rule or the model). */
export function drillQuery(o: Pick<RoutingOutcomesDto, 'since'>, d: Drill): Record<string, string> {
  const out: Record<string, string> = { queue: 'all', since: o.since }
  if (d.by) out.routed_by = d.by === 'auto' ? 'rule,model' : d.by
  if (d.department) out.routed_department = d.department
  if (d.rule_id !== undefined) out.routed_rule_id = String(d.rule_id)
  if (d.category) out.routed_category = d.category
  if (d.result) out.routing_result = d.result
  return out
}
