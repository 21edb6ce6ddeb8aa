// The portal's texts: both languages have the same keys, and every key the portal's code uses
// exists (literal keys found in the sources, plus the ones built from known lists).
import { describe, expect, it } from 'vitest'
import zh from '@shared/i18n/zh-CN/portal.json'
import en from '@shared/i18n/en-US/portal.json'
import { HINT_KEYS, PORTAL_STEPS } from '../domain/progress'
import { MEASURE_KINDS } from '../domain/money'
import { TOPICS } from '../pages/submit/rules'

function keys(o: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    v && typeof v === 'object' ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`],
  )
}

const sources = import.meta.glob<string>(['../**/*.ts', '../**/*.vue', '!../**/__tests__/**'], {
  query: '?raw',
  import: 'default',
  eager: true,
})
const zhKeys = new Set(keys(zh).map((k) => `portal.${k}`))

describe('portal i18n', () => {
  it('has the same keys in zh-CN and en-US', () => {
    expect(keys(en).sort()).toEqual(keys(zh).sort())
  })

  it('has no empty texts', () => {
    for (const [k, v] of Object.entries({ ...flat(zh), ...flat(en) })) expect(v, k).not.toBe('')
  })

  it('defines every literal key the portal uses', () => {
    const used = new Set<string>()
    for (const text of Object.values(sources)) {
      for (const m of text.matchAll(/['"`](portal\.[A-Za-z0-9_.]+)['"`]/g)) used.add(m[1])
    }
    expect(used.size).toBeGreaterThan(50)
    // `'portal.validation.'` and the like are prefixes that code completes.
    const missing = [...used].filter((k) => !k.endsWith('.') && !zhKeys.has(k))
    expect(missing).toEqual([])
  })

  it('defines the keys built from lists', () => {
    const built = [
      ...PORTAL_STEPS.map((s) => `portal.steps.${s}`),
      ...HINT_KEYS.map((h) => `portal.hint.${h}`),
      ...MEASURE_KINDS.map((m) => `portal.measure.${m}`),
      ...TOPICS.map((c) => `portal.submit.topic.${c}`),
      ...[1, 2, 3, 4, 5].map((n) => `portal.rating.starTexts.s${n}`),
      ...[
        'registered',
        'accepted',
        'remedy_proposed',
        'customer_agreed',
        'customer_disagreed',
        'result_reported',
        'resolved_at_first_contact',
        'satisfaction_recorded',
        'closed',
        'reopened',
        'reply',
      ].map((k) => `portal.event.${k}`),
    ]
    expect(built.filter((k) => !zhKeys.has(k))).toEqual([])
  })
})

function flat(o: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(o).flatMap(([k, v]) =>
      v && typeof v === 'object' ? Object.entries(flat(v as Record<string, unknown>, `${prefix}${k}.`)) : [[`${prefix}${k}`, v]],
    ),
  )
}
