import { describe, expect, it } from 'vitest'
import { modelSource, outcomeFigures, outcomeTone, verdictText } from '../retrain'

// Keys with their parameters, so the tests see what would be shown.
const t = (key: string, named?: Record<string, unknown>) => (named ? `${key} ${JSON.stringify(named)}` : key)
const base = { target: 'department', next: null, have: null, need: null, last: null }

describe('scheduled retraining', () => {
  it('says where each target stands', () => {
    expect(verdictText(t, { ...base, verdict: 'due' }, String)).toBe('routing.retrain.verdict.due')
    expect(verdictText(t, { ...base, verdict: 'too_few_examples', have: 12, need: 50 }, String)).toBe(
      'routing.retrain.verdict.tooFew {"have":12,"need":50}',
    )
    expect(verdictText(t, { ...base, verdict: 'too_soon', next: '2026-12-01T00:00:00Z' }, (iso) => iso.slice(0, 10))).toBe(
      'routing.retrain.verdict.tooSoon {"at":"2026-12-01"}',
    )
    expect(verdictText(t, { ...base, verdict: 'file_model' }, String)).toBe('routing.retrain.verdict.fileModel')
  })

  it('compares the new accuracy with the old and names the version adopted', () => {
    const r = { at: '2026-11-24T00:00:00Z', target: 'department', examples: 120, detail: null }
    expect(outcomeFigures(t, { ...r, outcome: 'kept', accuracy: 0.5, previous_accuracy: 1, version: null })).toBe(
      'routing.retrain.examples {"n":120} · routing.retrain.accuracyVs {"now":"50%","before":"100%"}',
    )
    expect(outcomeFigures(t, { ...r, outcome: 'adopted', accuracy: 0.9, previous_accuracy: null, version: 3 })).toBe(
      'routing.retrain.examples {"n":120} · routing.retrain.accuracy {"now":"90%"} · v3',
    )
    expect(outcomeTone('adopted')).toBe('success')
    expect(outcomeTone('kept')).toBe('warning')
    expect(outcomeTone('failed')).toBe('danger')
  })

  it('names who trained a model', () => {
    expect(modelSource(t, 'schedule')).toBe('routing.models.source.schedule')
    expect(modelSource(t, 'shopping.jsonl')).toBe('routing.models.source.file {"name":"shopping.jsonl"}')
  })
})
