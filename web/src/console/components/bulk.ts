// Per-complaint results of a bulk action → "成功 X / 跳过 Y（原因）".

import type { BulkAssignResult } from '@shared/api/types'

export interface BulkSummary {
  ok: number
  skipped: number
  reasons: { reason: string; ids: number[] }[]
  /** Where the ones done ended up, when the action says (routing again: `assigned`, `triage`). */
  outcomes: { outcome: string; ids: number[] }[]
}

type Msg = BulkAssignResult['results'][number]['message']

export function summariseBulk(r: BulkAssignResult, text: (m: NonNullable<Msg>) => string): BulkSummary {
  const reasons = new Map<string, number[]>()
  const outcomes = new Map<string, number[]>()
  let ok = 0
  for (const x of r.results) {
    if (x.ok) {
      ok++
      if (x.outcome) outcomes.set(x.outcome, [...(outcomes.get(x.outcome) ?? []), x.id])
      continue
    }
    const reason = (x.message ? text(x.message) : '') || x.code || '?'
    reasons.set(reason, [...(reasons.get(reason) ?? []), x.id])
  }
  return {
    ok,
    skipped: r.results.length - ok,
    reasons: [...reasons.entries()].map(([reason, ids]) => ({ reason, ids })),
    outcomes: [...outcomes.entries()].map(([outcome, ids]) => ({ outcome, ids })),
  }
}
