import { describe, expect, it } from 'vitest'
import {
  ACTIONS,
  ACTION_SPECS,
  allowedActions,
  buildBody,
  formFieldFor,
  initialValues,
  mirrorAllowedActions,
  splitActions,
} from '../actions'

const ALL_PERMS = new Set(Object.values(ACTION_SPECS).map((s) => s.permission))

describe('actions mirror', () => {
  it('has one spec per command endpoint, with the endpoint suffix as its name', () => {
    expect(Object.keys(ACTION_SPECS).sort()).toEqual([...ACTIONS].sort())
    for (const a of ACTIONS) expect(ACTION_SPECS[a].action).toBe(a)
  })

  it('offers the intake-stage commands on a received complaint', () => {
    const got = mirrorAllowedActions({ state: 'received', category_id: null, severity: null }, ALL_PERMS, 1)
    expect(got).toContain('classify')
    expect(got).toContain('invalidate')
    expect(got).toContain('resolve')
    // Not classified yet: assigning is refused by the server (not_classified).
    expect(got).not.toContain('assign')
    expect(got).not.toContain('accept')
    const classified = mirrorAllowedActions({ state: 'received', category_id: 3, severity: 2 }, ALL_PERMS, 1)
    expect(classified).toContain('assign')
  })

  it('follows the main path', () => {
    const at = (state: string, extra = {}) => mirrorAllowedActions({ state, ...extra }, ALL_PERMS, 7)
    expect(at('assigned')).toEqual(expect.arrayContaining(['accept', 'transfer', 'handler']))
    expect(at('investigating')).toContain('remedy')
    expect(at('pending_approval')).toEqual(expect.arrayContaining(['remedy/approve', 'remedy/reject']))
    expect(at('awaiting_customer')).toContain('customer-decision')
    expect(at('executing')).toEqual(expect.arrayContaining(['execution/start', 'result']))
    expect(at('executing', { execution_started: true })).not.toContain('execution/start')
    expect(at('resolved')).toEqual(expect.arrayContaining(['satisfaction', 'return-visit']))
    expect(at('secondary_review')).toContain('review')
    expect(at('closed')).toEqual(expect.arrayContaining(['reopen', 'archive']))
    expect(at('invalid')).toContain('archive')
  })

  it('closes only after a satisfied return visit (or unreachable + a good rating)', () => {
    const close = (f: object) => mirrorAllowedActions({ state: 'resolved', ...f }, ALL_PERMS, 1).includes('close')
    expect(close({})).toBe(false)
    expect(close({ return_visit: { outcome: 'satisfied' } })).toBe(true)
    expect(close({ return_visit: { outcome: 'dissatisfied' } })).toBe(false)
    expect(close({ return_visit: { outcome: 'unreachable' }, satisfaction: { stars: 4 } })).toBe(true)
    expect(close({ return_visit: { outcome: 'unreachable' }, satisfaction: { stars: 2 } })).toBe(false)
  })

  it('offers nothing on an archived complaint', () => {
    expect(mirrorAllowedActions({ state: 'archived' }, ALL_PERMS, 1)).toEqual([])
  })

  it('needs the permission', () => {
    const agent = new Set(['complaint.view', 'complaint.note'])
    expect(mirrorAllowedActions({ state: 'investigating' }, agent, 1)).toEqual(['notes', 'contacts'])
  })

  it("lets only the assigned handler (or an assigner) accept", () => {
    const handler = new Set(['complaint.accept'])
    expect(mirrorAllowedActions({ state: 'assigned', handler_id: 5 }, handler, 5)).toContain('accept')
    expect(mirrorAllowedActions({ state: 'assigned', handler_id: 5 }, handler, 6)).not.toContain('accept')
    expect(mirrorAllowedActions({ state: 'assigned', handler_id: null }, handler, 6)).toContain('accept')
  })

  it("prefers the server's allowed_actions, in display order, ignoring unknown names", () => {
    const got = allowedActions({ state: 'received', allowed_actions: ['notes', 'classify', 'frobnicate'] }, new Set(), 1)
    expect(got).toEqual(['classify', 'notes'])
    expect(allowedActions({ state: 'received', allowed_actions: [] }, ALL_PERMS, 1)).toEqual([])
  })

  it('splits into buttons and a "more" menu', () => {
    const { buttons, more } = splitActions(['classify', 'assign', 'invalidate', 'notes', 'escalate'], 5)
    expect(buttons).toEqual(['classify', 'assign', 'notes'])
    expect(more).toEqual(['invalidate', 'escalate'])
    expect(splitActions(['classify', 'assign', 'notes'], 2)).toEqual({ buttons: ['classify', 'assign'], more: ['notes'] })
  })
})

describe('forms', () => {
  it('has initial values for every declared field', () => {
    for (const a of ACTIONS) {
      const v = initialValues(a)
      for (const f of ACTION_SPECS[a].fields) expect(f.name in v).toBe(true)
    }
    expect(initialValues('notes').visibility).toBe('internal')
    expect(initialValues('remedy').measures).toHaveLength(1)
  })

  it('builds the request bodies the endpoints expect', () => {
    expect(buildBody('classify', { category: 12, severity: 2, product_ref: ' ', order_ref: 'A1' })).toEqual({
      category: '12',
      severity: 2,
      product_ref: null,
      order_ref: 'A1',
    })
    expect(buildBody('assign', { department_id: 4, handler_id: '' })).toEqual({ department_id: 4, handler_id: null })
    expect(buildBody('transfer', { department_id: 4, handler_id: 9, reason: ' wrong dept ' })).toEqual({ department_id: 4, handler_id: 9, reason: 'wrong dept', misrouted: false })
    expect(buildBody('transfer', { ...initialValues('transfer'), department_id: 4, reason: '分错了', misrouted: true })).toEqual({
      department_id: 4,
      handler_id: null,
      reason: '分错了',
      misrouted: true,
    })
    expect(initialValues('transfer').misrouted).toBe(false)
    expect(
      buildBody('remedy', {
        measures: [{ kind: 'compensation', amount: 300, description: '' }, { kind: 'written_apology', amount: 0, description: '致歉信' }],
        explanation: '赔偿并致歉',
      }),
    ).toEqual({
      measures: [
        { kind: 'compensation', amount: 300, description: null },
        { kind: 'written_apology', amount: 0, description: '致歉信' },
      ],
      explanation: '赔偿并致歉',
    })
    expect(buildBody('customer-decision', { agree: false, comment: '' })).toEqual({ agree: false, comment: null })
    expect(buildBody('review', { decision: 'uphold', reason: 'ok', handler_id: 3 })).toEqual({ decision: 'uphold', reason: 'ok', handler_id: null })
    expect(buildBody('review', { decision: 'reopen', reason: 'no', handler_id: 3 })).toEqual({ decision: 'reopen', reason: 'no', handler_id: 3 })
    expect(buildBody('notes', { text: 'x', visibility: 'customer' })).toEqual({ text: 'x', visibility: 'customer' })
    expect(buildBody('escalate', { level: 2, external: '', reason: 'media' })).toEqual({ level: 2, external: null, reason: 'media' })
    expect(buildBody('return-visit', { method: 'phone', outcome: 'satisfied', note: '' })).toEqual({ method: 'phone', outcome: 'satisfied', note: null })
    expect(buildBody('satisfaction', { stars: 4, comment: '' })).toEqual({ stars: 4, comment: null })
    expect(buildBody('links', { complaint: ' TS20261122000001 ' })).toEqual({ complaint: 'TS20261122000001' })
    expect(buildBody('archive', { confirm: 'TS1' })).toEqual({})
    expect(buildBody('reopen', { reason: 'again' })).toEqual({ reason: 'again' })
  })

  it('sends the category code when it is known', () => {
    const codes: Record<number, string> = { 12: 'product_fault' }
    const body = buildBody('classify', { category: 12, severity: 1 }, { categoryCode: (id) => codes[id] }) as { category: string }
    expect(body.category).toBe('product_fault')
  })

  it('maps server field paths onto form fields', () => {
    expect(formFieldFor('remedy', 'measures[1].amount')).toBe('measures')
    expect(formFieldFor('classify', 'category_id')).toBe('category')
    expect(formFieldFor('transfer', 'reason')).toBe('reason')
    expect(formFieldFor('transfer', 'department_id')).toBe('department_id')
  })
})
