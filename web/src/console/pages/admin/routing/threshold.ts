// The triage threshold card: what each model in use would do at each threshold, from its
// held-out figures (`metrics.thresholds`, scored with the confidence routing compares). Pure.

import type { ModelDto } from '@shared/api/types'
import { share } from './outcomes'

/** One model's held-out figure at one threshold, as shares. */
export interface AtThreshold {
  /** Of the held-out texts, the share the model was sure enough of to route. */
  routed: number
  /** Of those, the share it got right. */
  right: number | null
}

/** A row of the card's table: a threshold and what each model would do at it. */
export interface ThresholdRow {
  threshold: number
  category: AtThreshold | null
  department: AtThreshold | null
}

interface Figure {
  threshold: number
  routed: number
  right: number
}

function figuresOf(m: ModelDto | undefined): { heldOut: number; figures: Figure[] } | null {
  const metrics = m?.metrics as { held_out?: number; thresholds?: Figure[] } | undefined
  const heldOut = Number(metrics?.held_out ?? 0)
  const figures = Array.isArray(metrics?.thresholds) ? metrics.thresholds : []
  return heldOut > 0 && figures.length ? { heldOut, figures } : null
}

/** The table for the models in use; empty when neither has figures (none trained yet, or too few
 * examples to hold any out). */
export function thresholdRows(models: ModelDto[]): ThresholdRow[] {
  const inUse = (target: string) => figuresOf(models.find((m) => m.target === target && m.in_use))
  const category = inUse('category')
  const department = inUse('department')
  const at = (f: ReturnType<typeof inUse>, t: number): AtThreshold | null => {
    const x = f?.figures.find((y) => Math.abs(y.threshold - t) < 1e-9)
    return f && x ? { routed: share(x.routed, f.heldOut) ?? 0, right: share(x.right, x.routed) } : null
  }
  const thresholds = [...new Set([...(category?.figures ?? []), ...(department?.figures ?? [])].map((f) => f.threshold))].sort((a, b) => a - b)
  return thresholds.map((threshold) => ({ threshold, category: at(category, threshold), department: at(department, threshold) }))
}

/** The row nearest the chosen threshold (the one the card highlights), or -1 without rows. */
export function nearestRow(rows: ThresholdRow[], threshold: number): number {
  let best = -1
  rows.forEach((r, i) => {
    if (best < 0 || Math.abs(r.threshold - threshold) < Math.abs(rows[best]!.threshold - threshold)) best = i
  })
  return best
}
