// Risk colours and the reasons behind a risk score (mirror of crates/domain risk.rs). Pure.

import type { Tone } from './status'

export const RISK_LEVELS = ['red', 'orange', 'yellow'] as const
export type RiskLevel = (typeof RISK_LEVELS)[number]

export const RISK_REASONS = [
  'repeat_customer',
  'repeat_linked',
  'escalated',
  'external',
  'vip',
  'sla',
  'transfers',
  'disagreed',
  'dissatisfied',
  'reopened',
  'risk_words',
  'level1',
] as const
export type RiskReason = (typeof RISK_REASONS)[number]

export function isRiskLevel(v: unknown): v is RiskLevel {
  return (RISK_LEVELS as readonly unknown[]).includes(v)
}

/** Element Plus tag type: red → danger, orange → warning; yellow gets its own class on top. */
export function riskTone(level: string | null | undefined): Tone {
  return level === 'red' ? 'danger' : level === 'orange' || level === 'yellow' ? 'warning' : 'info'
}

/** The i18n key and parameters of a reason, e.g. `risk.reason.sla` with `{detail: '130'}`. */
export function reasonMessage(r: { code: string; detail?: string | null; points?: number }): {
  key: string
  params: Record<string, string | number>
} {
  const known = (RISK_REASONS as readonly string[]).includes(r.code)
  const detail = (r.detail ?? '').trim()
  return {
    key: known ? `risk.reason.${r.code}${detail ? '' : 'Plain'}` : 'risk.reason.unknown',
    params: { detail, code: r.code, points: r.points ?? 0 },
  }
}

/** Sorted by points, biggest first (the panel reads top-down). */
export function sortedReasons<T extends { points: number }>(reasons: readonly T[]): T[] {
  return [...reasons].sort((a, b) => b.points - a.points)
}
