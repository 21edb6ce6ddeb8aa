// Timeline event kinds (mirror of crates/domain/src/complaint.rs `EventBody`): icon, tone, and
// who sees the event. Internal notes and customer-facing replies must never look alike.

import type { IconKey, Tone } from './status'

export const EVENT_KINDS = [
  'registered',
  'marked_invalid',
  'classified',
  'assigned',
  'handler_set',
  'transferred',
  'accepted',
  'note_added',
  'evidence_added',
  'contact_recorded',
  'remedy_proposed',
  'remedy_approved',
  'remedy_rejected',
  'customer_agreed',
  'customer_disagreed',
  'execution_started',
  'result_reported',
  'resolved_at_first_contact',
  'satisfaction_recorded',
  'review_concluded',
  'return_visit_recorded',
  'closed',
  'reopened',
  'case_value_set',
  'archived',
  'repeat_linked',
  'escalated',
  'sla_alert',
  'routed',
] as const
export type EventKind = (typeof EVENT_KINDS)[number]

const LOOK: Record<EventKind, { icon: IconKey; tone: Tone }> = {
  registered: { icon: 'inbox', tone: 'primary' },
  marked_invalid: { icon: 'ban', tone: 'info' },
  classified: { icon: 'flag', tone: 'primary' },
  assigned: { icon: 'send', tone: 'primary' },
  handler_set: { icon: 'user', tone: 'info' },
  transferred: { icon: 'switch', tone: 'warning' },
  accepted: { icon: 'search', tone: 'primary' },
  note_added: { icon: 'note', tone: 'info' },
  evidence_added: { icon: 'paperclip', tone: 'info' },
  contact_recorded: { icon: 'phone', tone: 'info' },
  remedy_proposed: { icon: 'money', tone: 'primary' },
  remedy_approved: { icon: 'stamp', tone: 'success' },
  remedy_rejected: { icon: 'stamp', tone: 'danger' },
  customer_agreed: { icon: 'check', tone: 'success' },
  customer_disagreed: { icon: 'warning', tone: 'danger' },
  execution_started: { icon: 'tools', tone: 'primary' },
  result_reported: { icon: 'check', tone: 'success' },
  resolved_at_first_contact: { icon: 'check', tone: 'success' },
  satisfaction_recorded: { icon: 'star', tone: 'warning' },
  review_concluded: { icon: 'review', tone: 'primary' },
  return_visit_recorded: { icon: 'phone', tone: 'success' },
  closed: { icon: 'lock', tone: 'success' },
  reopened: { icon: 'refresh', tone: 'warning' },
  case_value_set: { icon: 'flag', tone: 'info' },
  archived: { icon: 'archive', tone: 'info' },
  repeat_linked: { icon: 'link', tone: 'info' },
  escalated: { icon: 'warning', tone: 'danger' },
  sla_alert: { icon: 'clock', tone: 'warning' },
  routed: { icon: 'send', tone: 'info' },
}

export function isEventKind(k: string): k is EventKind {
  return (EVENT_KINDS as readonly string[]).includes(k)
}

export function eventLook(kind: string): { icon: IconKey; tone: Tone } {
  return isEventKind(kind) ? LOOK[kind] : { icon: 'note', tone: 'info' }
}

/**
 * Who the event is for: `internal` = staff only (internal notes), `customer` = the customer sees
 * it or said it (replies, their decisions and ratings), `record` = a step of the process.
 */
export type Audience = 'internal' | 'customer' | 'record'

export function eventAudience(e: { kind: string; actor_kind?: string; payload?: unknown }): Audience {
  const p = (e.payload ?? {}) as Record<string, unknown>
  if (e.kind === 'note_added') return p.visibility === 'customer' ? 'customer' : 'internal'
  if (e.actor_kind === 'customer') return 'customer'
  return 'record'
}

/** The free text an event carries (reason, note, summary…), if any. */
export function eventText(e: { kind: string; payload?: unknown }): string {
  const p = (e.payload ?? {}) as Record<string, unknown>
  for (const k of ['text', 'reason', 'summary', 'result', 'comment', 'note', 'content']) {
    const v = p[k]
    if (typeof v === 'string' && v.trim()) return v
  }
  const nested = (p.satisfaction ?? p.visit ?? (p.remedy as Record<string, unknown> | undefined)) as Record<string, unknown> | undefined
  if (nested) {
    for (const k of ['comment', 'note', 'explanation']) {
      const v = nested[k]
      if (typeof v === 'string' && v.trim()) return v
    }
  }
  return ''
}

/** Raised by the system (scheduler), not by a person: automatic escalations, SLA alerts. */
export function isSystemEvent(e: { actor_kind?: string }): boolean {
  return e.actor_kind === 'system'
}

/**
 * The system writes some reasons in both languages, `中文 / English`: keep the part of the
 * current language (the whole text when it has no such split).
 */
export function pickBilingual(text: string, locale: string): string {
  const i = text.indexOf(' / ')
  if (i < 0) return text
  const zh = text.slice(0, i).trim()
  const en = text.slice(i + 3).trim()
  const looksZh = /[\u4e00-\u9fff]/.test(zh) && !/[\u4e00-\u9fff]/.test(en)
  if (!looksZh) return text
  return locale === 'en-US' ? en : zh
}
