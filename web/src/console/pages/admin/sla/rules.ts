// SLA policy and warning settings: the edit forms ↔ the API bodies, and server field paths
// (`rules[3].response.minutes`, `thresholds.warn_percents[0]`) → the inputs they belong to. Pure.

import type { AlertSettings, ClockKind, SlaPolicy, SlaRule } from '@shared/api/types'

export type DurationUnit = 'min' | 'h'

export interface TargetForm {
  clock: ClockKind
  value: number
  unit: DurationUnit
}

export interface RuleForm {
  /** Stable key for v-for (rows can be added and removed). */
  key: number
  severity: number
  tier: 'normal' | 'vip'
  category_id: number | null
  response: TargetForm
  resolution: TargetForm
}

let keys = 0

export function targetForm(t: { clock: string; minutes: number }): TargetForm {
  const clock: ClockKind = t.clock === 'business' ? 'business' : 'calendar'
  return t.minutes % 60 === 0 ? { clock, value: t.minutes / 60, unit: 'h' } : { clock, value: t.minutes, unit: 'min' }
}

export function targetMinutes(t: TargetForm): number {
  const v = Number(t.value)
  return Math.round(t.unit === 'h' ? v * 60 : v)
}

/** Rules ordered severity → tier (normal before VIP) → all categories before one category. */
export function policyForm(p: SlaPolicy): RuleForm[] {
  return [...p.rules]
    .sort(
      (a, b) =>
        a.severity - b.severity ||
        (a.tier === b.tier ? 0 : a.tier === 'normal' ? -1 : 1) ||
        (a.category_id ?? 0) - (b.category_id ?? 0),
    )
    .map((r) => ({
      key: ++keys,
      severity: r.severity,
      tier: r.tier === 'vip' ? 'vip' : 'normal',
      category_id: r.category_id ?? null,
      response: targetForm(r.response),
      resolution: targetForm(r.resolution),
    }))
}

export function policyPayload(rows: readonly RuleForm[]): SlaPolicy {
  return {
    rules: rows.map((r) => {
      const out: SlaRule = {
        severity: r.severity,
        tier: r.tier,
        response: { clock: r.response.clock, minutes: targetMinutes(r.response) },
        resolution: { clock: r.resolution.clock, minutes: targetMinutes(r.resolution) },
      }
      if (r.category_id) out.category_id = r.category_id
      return out
    }),
  }
}

export function newRule(): RuleForm {
  return {
    key: ++keys,
    severity: 2,
    tier: 'normal',
    category_id: null,
    response: { clock: 'business', value: 4, unit: 'h' },
    resolution: { clock: 'calendar', value: 24, unit: 'h' },
  }
}

/** `rules[3].response.minutes` → `3.response`; `rules[3].category_id` → `3.category_id`; `rules` → `_`. */
export function policyErrorKey(field: string): string {
  const m = /^rules\[(\d+)\]\.(\w+)/.exec(field)
  if (m) return `${m[1]}.${m[2]}`
  return '_'
}

/** Problems the browser can see before sending (the server checks everything again). */
export function checkPolicy(rows: readonly RuleForm[]): Record<string, string> {
  const out: Record<string, string> = {}
  const seen = new Set<string>()
  rows.forEach((r, i) => {
    for (const k of ['response', 'resolution'] as const) {
      const m = targetMinutes(r[k])
      if (!Number.isFinite(m) || m < 1) out[`${i}.${k}`] = 'slaAdmin.rule.target'
    }
    if (!out[`${i}.resolution`] && !out[`${i}.response`] && r.response.clock === r.resolution.clock && targetMinutes(r.resolution) < targetMinutes(r.response))
      out[`${i}.resolution`] = 'slaAdmin.rule.order'
    const id = `${r.severity}/${r.tier}/${r.category_id ?? ''}`
    if (seen.has(id)) out[`${i}.severity`] = 'slaAdmin.rule.duplicate'
    seen.add(id)
  })
  for (const sev of [1, 2, 3]) {
    for (const tier of ['normal', 'vip']) {
      if (!rows.some((r) => r.severity === sev && r.tier === tier && !r.category_id)) out._ = 'slaAdmin.rule.missingBase'
    }
  }
  return out
}

// --- warning settings ------------------------------------------------------------------------------

export interface SettingsForm {
  warn: number[]
  escalate: number[]
  words: string[]
  yellow_at: number
  orange_at: number
  red_at: number
  batch: AlertSettings['batch']
}

export function settingsForm(s: AlertSettings): SettingsForm {
  return {
    warn: [...s.thresholds.warn_percents],
    escalate: [...s.thresholds.escalate_percents],
    words: [...s.risk.words],
    yellow_at: s.risk.yellow_at,
    orange_at: s.risk.orange_at,
    red_at: s.risk.red_at,
    batch: { ...s.batch },
  }
}

/** Trims and de-duplicates risk words (keeping the first spelling and the order). */
export function cleanWords(words: readonly string[]): string[] {
  const out: string[] = []
  for (const w of words.flatMap((x) => x.split(/[,，、\s]+/))) {
    const t = w.trim()
    if (t && !out.includes(t)) out.push(t)
  }
  return out
}

export function settingsPayload(f: SettingsForm): AlertSettings {
  return {
    thresholds: { warn_percents: f.warn.map(Number), escalate_percents: f.escalate.map(Number) },
    risk: { words: cleanWords(f.words), yellow_at: Number(f.yellow_at), orange_at: Number(f.orange_at), red_at: Number(f.red_at) },
    batch: {
      window_hours: Number(f.batch.window_hours),
      baseline_days: Number(f.batch.baseline_days),
      spike_percent: Number(f.batch.spike_percent),
      min_count: Number(f.batch.min_count),
      share_percent: Number(f.batch.share_percent),
      share_min_total: Number(f.batch.share_min_total),
    },
  }
}

/**
 * Server field paths → the form's error slots: `thresholds.warn_percents[1]` → `warn.1`,
 * `thresholds.warn_percents` → `warn`, `risk.red_at` → `red_at`, `risk.words[2]` → `words`,
 * `batch.window_hours` → `batch.window_hours`.
 */
export function settingsErrorKey(field: string): string {
  let m = /^thresholds\.(warn|escalate)_percents(?:\[(\d+)\])?$/.exec(field)
  if (m) return m[2] !== undefined ? `${m[1]}.${m[2]}` : m[1]
  m = /^risk\.(words)(?:\[\d+\])?$/.exec(field)
  if (m) return 'words'
  m = /^risk\.(yellow_at|orange_at|red_at)$/.exec(field)
  if (m) return m[1]
  m = /^batch\.(\w+)$/.exec(field)
  if (m) return `batch.${m[1]}`
  return '_'
}

/** Browser-side checks mirroring the server's (codes are i18n keys). */
export function checkSettings(f: SettingsForm): Record<string, string> {
  const out: Record<string, string> = {}
  const increasing = (xs: number[]) => xs.every((x, i) => i === 0 || x > xs[i - 1])
  f.warn.forEach((x, i) => {
    if (!(x >= 1 && x <= 99)) out[`warn.${i}`] = 'slaAdmin.rule.warnRange'
  })
  if (!increasing(f.warn)) out.warn = 'slaAdmin.rule.increasing'
  f.escalate.forEach((x, i) => {
    if (!(x >= 100 && x <= 1000)) out[`escalate.${i}`] = 'slaAdmin.rule.escalateRange'
  })
  if (!increasing(f.escalate)) out.escalate = 'slaAdmin.rule.increasing'
  if (!(f.yellow_at >= 1 && f.yellow_at < f.orange_at && f.orange_at < f.red_at && f.red_at <= 100)) out.red_at = 'slaAdmin.rule.riskOrder'
  return out
}
