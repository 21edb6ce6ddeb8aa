// Scheduled retraining on the routing page (GET/PUT /routing/retrain): what the schedule says
// about each target and what it did last, in words. Pure.

import type { RetrainRecord, RetrainTargetDto } from '@shared/api/types'
import type { Tone } from '@shared/domain/complaint/status'
import { percent } from '@shared/domain/complaint/routing'

type T = (key: string, named?: Record<string, unknown>) => string

/** Where the schedule stands for a target, in a sentence. */
export function verdictText(t: T, target: RetrainTargetDto, formatTime: (iso: string) => string): string {
  switch (target.verdict) {
    case 'due':
      return t('routing.retrain.verdict.due')
    case 'disabled':
      return t('routing.retrain.verdict.disabled')
    case 'file_model':
      return t('routing.retrain.verdict.fileModel')
    case 'too_soon':
      return t('routing.retrain.verdict.tooSoon', { at: target.next ? formatTime(target.next) : '—' })
    case 'too_few_examples':
      return t('routing.retrain.verdict.tooFew', { have: target.have ?? 0, need: target.need ?? 0 })
    default:
      return target.verdict
  }
}

export function outcomeTone(outcome: RetrainRecord['outcome']): Tone {
  return outcome === 'adopted' ? 'success' : outcome === 'kept' ? 'warning' : 'danger'
}

/** The figures of the last run: the new model's held-out accuracy against the old one's. */
export function outcomeFigures(t: T, r: RetrainRecord): string {
  const now = percent(r.accuracy ?? null)
  const before = percent(r.previous_accuracy ?? null)
  const parts = [t('routing.retrain.examples', { n: r.examples })]
  if (now) parts.push(before ? t('routing.retrain.accuracyVs', { now, before }) : t('routing.retrain.accuracy', { now }))
  if (r.version != null) parts.push(`v${r.version}`)
  return parts.join(' · ')
}

/** Who trained a model: a person from the database, the schedule, or a file (its name). */
export function modelSource(t: T, source: string): string {
  if (source === 'database') return t('routing.models.source.database')
  if (source === 'schedule') return t('routing.models.source.schedule')
  return t('routing.models.source.file', { name: source })
}
