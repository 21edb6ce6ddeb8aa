// The stored models on the routing page: which versions can be put back in use, and what
// restoring one will store. Pure.

import type { ModelDto } from '@shared/api/types'

type Versioned = Pick<ModelDto, 'target' | 'version'>

/** The newest version of `target` among `models` (the one every node routes with), if any. */
export function newestVersion(models: readonly Versioned[], target: string): number | null {
  const versions = models.filter((m) => m.target === target).map((m) => m.version)
  return versions.length ? Math.max(...versions) : null
}

/**
 * Whether `m` can be put back in use: any version but the newest of its target. The server
 * decides by the same rule (it answers `model_in_use` otherwise); the list may be stale, so this
 * only hides a button that would be refused.
 */
export function restorable(models: readonly Versioned[], m: Versioned): boolean {
  const newest = newestVersion(models, m.target)
  return newest !== null && m.version < newest
}

/** The version restoring `m` will be stored as. */
export function restoredVersion(models: readonly Versioned[], m: Versioned): number {
  return (newestVersion(models, m.target) ?? 0) + 1
}

/** One label's held-out figures, as training stored them in a model's `metrics.per_label`. */
export interface LabelFigures {
  label: string
  precision: number
  recall: number
  f1: number
  /** Held-out texts that had this label. */
  support: number
  /** The label its texts were most often predicted as instead, and how often. */
  mistakenFor: { label: string; count: number } | null
  /** F1 below {@link WEAK_F1} on at least one held-out text: worth a keyword rule or a look. */
  weak: boolean
}

/** Below this held-out F1 a label is shown as weak. */
export const WEAK_F1 = 0.8

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0)

/**
 * The per-label figures of a model's metrics, weakest first (then by label), or an empty list
 * when there are none (too few held-out examples, or a model stored before they were kept).
 * Entries that do not look like figures are left out rather than shown as zeros.
 */
export function labelFigures(metrics: unknown): LabelFigures[] {
  const rows = (metrics as Record<string, unknown> | null | undefined)?.per_label
  if (!Array.isArray(rows)) return []
  return rows
    .filter((r): r is Record<string, unknown> => !!r && typeof r === 'object' && typeof (r as Record<string, unknown>).label === 'string')
    .map((r) => {
      const support = num(r.support)
      const f1 = num(r.f1)
      const other = r.mistaken_for
      return {
        label: r.label as string,
        precision: num(r.precision),
        recall: num(r.recall),
        f1,
        support,
        mistakenFor: typeof other === 'string' ? { label: other, count: num(r.mistaken) } : null,
        weak: support > 0 && f1 < WEAK_F1,
      }
    })
    .sort((a, b) => Number(b.support > 0) - Number(a.support > 0) || a.f1 - b.f1 || a.label.localeCompare(b.label))
}
