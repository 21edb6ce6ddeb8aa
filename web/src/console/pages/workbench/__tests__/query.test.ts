import { describe, expect, it } from 'vitest'
import { defaultQueue, hasFilters, parseQuery, queueCountsFromStates, quotedQuery, toApiQuery, toRouteQuery } from '../query'
import { summariseBulk } from '../../../components/bulk'
import { COLUMNS, DEFAULT_COLUMNS, columnWidth, visibleColumns } from '../columns'

const defaults = { queue: 'triage' as const, per_page: 20 }

describe('workbench URL state', () => {
  it('parses and cleans the route query', () => {
    const q = parseQuery(
      { queue: 'mine', state: 'received,assigned', severity: '2', category_id: '7', from: '2026-11-01', to: 'bad', q: '退款', sort: 'severity', order: 'asc', page: '3', per_page: '50' },
      defaults,
    )
    expect(q).toMatchObject({
      queue: 'mine',
      state: ['received', 'assigned'],
      severity: 2,
      category_id: 7,
      from: '2026-11-01',
      to: null,
      q: '退款',
      sort: 'severity',
      order: 'asc',
      page: 3,
      per_page: 50,
    })
  })

  it('falls back to defaults on nonsense', () => {
    const q = parseQuery({ queue: 'nope', severity: '9', sort: 'x', page: '-1', per_page: '9999' }, defaults)
    expect(q).toMatchObject({ queue: 'triage', severity: null, sort: 'received_at', order: 'desc', page: 1, per_page: 20 })
  })

  it('round-trips and keeps only what differs from defaults', () => {
    const q = parseQuery({ queue: 'all', q: ' 漏水 ', page: '2' }, defaults)
    expect(toRouteQuery(q, defaults)).toEqual({ queue: 'all', q: '漏水', page: '2' })
    expect(toRouteQuery(parseQuery({}, defaults), defaults)).toEqual({})
    const again = parseQuery(toRouteQuery(q, defaults), defaults)
    expect(again).toEqual({ ...q, q: '漏水' })
  })

  it('ranks search results by relevance unless another sort is chosen', () => {
    expect(parseQuery({ q: '退货' }, defaults).sort).toBe('relevance')
    expect(parseQuery({}, defaults).sort).toBe('received_at')
    expect(parseQuery({ sort: 'relevance' }, defaults).sort).toBe('received_at')
    expect(parseQuery({ q: '退货', sort: 'severity' }, defaults).sort).toBe('severity')
    expect(toRouteQuery(parseQuery({ q: '退货' }, defaults), defaults)).toEqual({ q: '退货' })
    expect(toRouteQuery(parseQuery({ q: '退货', sort: 'received_at' }, defaults), defaults)).toEqual({ q: '退货', sort: 'received_at' })
    expect(toApiQuery(parseQuery({ q: ' 退货 物流 ' }, defaults))).toMatchObject({ q: '退货 物流', sort: 'relevance' })
  })

  it('turns local dates into an instant range for the API', () => {
    const api = toApiQuery(parseQuery({ from: '2026-11-01', to: '2026-11-02', state: 'resolved' }, defaults))
    expect(api.queue).toBe('triage')
    expect(api.state).toBe('resolved')
    expect(new Date(api.from as string).getDate()).toBe(1)
    // `to` is exclusive: the start of the next local day.
    expect(new Date(api.to as string).getDate()).toBe(3)
    expect(api.page).toBe(1)
    expect(api.per_page).toBe(20)
  })

  it("opens one of the routing figures' numbers: its parameters round-trip, and its period starts the list", () => {
    const since = '2026-10-25T18:53:13Z'
    const url = { queue: 'all', routed_by: 'rule,model', routed_department: '财务部', routing_result: 'misrouted', since }
    const q = parseQuery(url, defaults)
    expect(q.routing).toEqual({ by: 'rule,model', department: '财务部', rule_id: null, category: null, result: 'misrouted', since })
    expect(toRouteQuery(q, defaults)).toEqual(url)
    expect(toApiQuery(q)).toMatchObject({ routed_by: 'rule,model', routed_department: '财务部', routing_result: 'misrouted', from: since })
    expect(hasFilters(q)).toBe(true)
    // A date the person picks wins over the figures' period.
    expect(toApiQuery({ ...q, from: '2026-11-01' }).from).not.toBe(since)
    // What the API would refuse is left out; a period alone is no drill-down.
    const odd = parseQuery({ routed_by: 'robot,rule', routing_result: 'lost', routed_rule_id: '4', since: 'soon' }, defaults)
    expect(odd.routing).toEqual({ by: 'rule', department: null, rule_id: 4, category: null, result: null, since: null })
    expect(parseQuery({ since }, defaults).routing).toBeNull()
  })

  it('tells whether filters are set', () => {
    expect(hasFilters(parseQuery({ queue: 'mine', page: '2' }, defaults))).toBe(false)
    expect(hasFilters(parseQuery({ channel: 'phone' }, defaults))).toBe(true)
  })

  it('starts handlers in their own queue and routers in triage', () => {
    const can = (perms: string[]) => (p: string) => perms.includes(p)
    expect(defaultQueue(can(['complaint.accept']))).toBe('mine')
    expect(defaultQueue(can(['complaint.accept', 'complaint.assign']))).toBe('triage')
    expect(defaultQueue(can(['complaint.view']))).toBe('all')
  })

  it('derives some queue counts from per-state counts', () => {
    expect(queueCountsFromStates({ received: 3, resolved: 2, awaiting_customer: 1, closed: 4 })).toEqual({
      triage: 3,
      awaiting_customer: 1,
      return_visits: 2,
      all: 10,
    })
  })
})

describe('bulk results', () => {
  it('counts successes and groups skips by reason', () => {
    const s = summariseBulk(
      {
        results: [
          { id: 1, ok: true },
          { id: 2, ok: false, code: 'wrong_state', message: { 'zh-CN': '状态不对', en: 'wrong state' } },
          { id: 3, ok: false, code: 'wrong_state', message: { 'zh-CN': '状态不对', en: 'wrong state' } },
          { id: 4, ok: false, code: 'not_classified' },
          { id: 5, ok: true },
        ],
      },
      (m) => (typeof m === 'string' ? m : (m['zh-CN'] ?? '')),
    )
    expect(s.ok).toBe(2)
    expect(s.skipped).toBe(3)
    expect(s.reasons).toEqual([
      { reason: '状态不对', ids: [2, 3] },
      { reason: 'not_classified', ids: [4] },
    ])
    expect(s.outcomes).toEqual([])
  })

  it('groups what was done by where it ended up when the answer says (routing again)', () => {
    const s = summariseBulk(
      {
        results: [
          { id: 1, ok: true, outcome: 'assigned' },
          { id: 2, ok: true, outcome: 'triage' },
          { id: 3, ok: true, outcome: 'assigned' },
          { id: 4, ok: false, code: 'not_in_triage' },
        ],
      },
      (m) => (typeof m === 'string' ? m : (m['zh-CN'] ?? '')),
    )
    expect([s.ok, s.skipped]).toEqual([3, 1])
    expect(s.outcomes).toEqual([
      { outcome: 'assigned', ids: [1, 3] },
      { outcome: 'triage', ids: [2] },
    ])
  })
})

describe('columns', () => {
  it('shows the default columns, always with case number and summary', () => {
    expect(visibleColumns(null).map((c) => c.key)).toEqual([...DEFAULT_COLUMNS])
    expect(visibleColumns(['state', 'bogus']).map((c) => c.key)).toEqual(['case_no', 'summary', 'state'])
  })

  it("shows routing's suggestion in the triage queue, in place of the handler no row there has", () => {
    const triage = visibleColumns(null, 'triage').map((c) => c.key)
    expect(triage).toContain('department')
    expect(triage).not.toContain('handler')
    expect(visibleColumns(['state', 'handler'], 'triage').map((c) => c.key)).toEqual(['case_no', 'summary', 'state', 'department'])
    expect(visibleColumns(['state', 'handler'], 'mine').map((c) => c.key)).toEqual(['case_no', 'summary', 'state', 'handler'])
  })

  it('widens the columns whose English runs longer, and only in English', () => {
    const col = (key: string) => COLUMNS.find((c) => c.key === key)!
    expect(columnWidth(col('customer'), 'zh-CN')).toBe(80)
    expect(columnWidth(col('customer'), 'en')).toBe(96)
    expect(columnWidth(col('case_no'), 'en')).toBe(184)
    expect(columnWidth(col('summary'), 'en')).toBeUndefined()
    for (const c of COLUMNS) {
      expect(columnWidth(c, 'en') ?? 0).toBeGreaterThanOrEqual(columnWidth(c, 'zh-CN') ?? 0)
    }
  })
})

describe('the searched text on the results line', () => {
  it('is put in quotes once, whatever quotes the person typed around one phrase', () => {
    expect(quotedQuery(' 退货 物流 ')).toBe('“退货 物流”')
    expect(quotedQuery('"质量问题"')).toBe('“质量问题”')
    expect(quotedQuery('“质量问题”')).toBe('“质量问题”')
    expect(quotedQuery('＂质量问题"')).toBe('“质量问题”')
  })

  it('keeps quotes that are part of a longer query', () => {
    expect(quotedQuery('"质量问题" 退货')).toBe('“"质量问题" 退货”')
    expect(quotedQuery('"质量" "问题"')).toBe('“"质量" "问题"”')
    expect(quotedQuery('"')).toBe('“"”')
  })
})
