// Alerts (the alert centre, the bell): kinds, severities, and what an alert links to. Pure.

import type { Tone } from '../complaint/status'

export const ALERT_KINDS = ['sla_warning', 'sla_breach', 'escalation', 'level1', 'batch', 'calendar', 'routing'] as const
export type AlertKind = (typeof ALERT_KINDS)[number]
export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const

export function alertTone(severity: string): Tone {
  return severity === 'critical' ? 'danger' : severity === 'warning' ? 'warning' : 'info'
}

/** Icon names (console/components/icons.ts). */
export function alertIcon(kind: string): string {
  switch (kind) {
    case 'sla_warning':
      return 'clock'
    case 'sla_breach':
      return 'breached'
    case 'escalation':
      return 'flag'
    case 'level1':
      return 'warning'
    case 'batch':
      return 'batch'
    case 'calendar':
      return 'calendar'
    case 'routing':
      return 'routing'
    default:
      return 'bell'
  }
}

export interface AlertLike {
  kind: string
  title_zh: string
  title_en: string
  body_zh: string
  body_en: string
  case_no?: string | null
  complaint_id?: number | null
  data?: unknown
}

export function alertTitle(a: AlertLike, locale: string): string {
  return locale === 'en-US' ? a.title_en || a.title_zh : a.title_zh || a.title_en
}

export function alertBody(a: AlertLike, locale: string): string {
  return locale === 'en-US' ? a.body_en || a.body_zh : a.body_zh || a.body_en
}

/** The complaints a batch alert names (from `data.complaints`), else none. */
export function batchComplaints(a: AlertLike): { id: number; case_no: string }[] {
  if (a.kind !== 'batch') return []
  const list = (a.data as { complaints?: unknown } | null | undefined)?.complaints
  if (!Array.isArray(list)) return []
  return list.filter(
    (c): c is { id: number; case_no: string } => !!c && typeof c === 'object' && typeof (c as { case_no?: unknown }).case_no === 'string',
  )
}

/** Where clicking an alert goes: its complaint, the admin page that fixes it, or nowhere. */
export type AlertTarget = { name: 'complaint'; params: { key: string } } | { name: 'admin-calendar' } | { name: 'admin-routing' } | null

export function alertTarget(a: AlertLike): AlertTarget {
  if (a.case_no) return { name: 'complaint', params: { key: a.case_no } }
  if (a.kind === 'calendar') return { name: 'admin-calendar' }
  if (a.kind === 'routing') return { name: 'admin-routing' }
  return null
}
