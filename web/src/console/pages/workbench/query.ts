// The workbench's state lives in the URL: queue, filters, sort and page. Pure conversions
// between the route query, the filter model and the API query (unit-tested).

import { dayStartIso, nextDayStartIso } from '@shared/utils/format'

export const QUEUES = ['mine', 'department', 'triage', 'approval', 'awaiting_customer', 'return_visits', 'overdue', 'at_risk', 'all'] as const
/** Queues that flag trouble: their counts show in red. */
export const ALERT_QUEUES: readonly Queue[] = ['overdue', 'at_risk']
export type Queue = (typeof QUEUES)[number]

export const SORT_KEYS = ['received_at', 'updated_at', 'severity', 'case_no', 'state', 'due_at', 'risk', 'relevance'] as const
export const RISK_FILTER = ['red', 'orange', 'yellow'] as const
export type SortKey = (typeof SORT_KEYS)[number]

/** How routing handled the complaints (what became of them): one number of the routing page's
 * 分派效果 opened as a list. The API parameters of the same names; `since` is the figures' start. */
export interface RoutingDrill {
  /** `rule`, `model`, `triage`, comma-separated. */
  by: string | null
  /** The department routing chose or suggested, by name. */
  department: string | null
  rule_id: number | null
  /** The category routing chose, by code. */
  category: string | null
  /** `kept`, `moved`, `misrouted`, `reclassified`, `waiting`. */
  result: string | null
  /** Received at or after this instant (ISO), the period of the figures. */
  since: string | null
}

export const ROUTED_BY = ['rule', 'model', 'triage'] as const
export const ROUTING_RESULTS = ['kept', 'moved', 'misrouted', 'reclassified', 'waiting'] as const

export interface WorkbenchQuery {
  queue: Queue
  state: string[]
  severity: number | null
  category_id: number | null
  department_id: number | null
  channel: string | null
  /** Risk colours (`red`, `orange`, `yellow`). */
  risk: string[]
  /** Local dates YYYY-MM-DD, inclusive. */
  from: string | null
  to: string | null
  q: string
  /** Opened from the routing page's figures. */
  routing: RoutingDrill | null
  sort: SortKey
  order: 'asc' | 'desc'
  page: number
  per_page: number
}

export const PER_PAGE_CHOICES = [20, 50, 100] as const

type RouteQuery = Record<string, string | null | (string | null)[] | undefined>

const one = (v: RouteQuery[string]): string | null => (Array.isArray(v) ? (v[0] ?? null) : (v ?? null))
const int = (v: RouteQuery[string]): number | null => {
  const s = one(v)
  if (s === null || s === '' || !/^\d+$/.test(s)) return null
  return Number(s)
}
const date = (v: RouteQuery[string]): string | null => {
  const s = one(v)
  return s && /^\d{4}-\d{2}-\d{2}$/.test(s) ? s : null
}

/** The routing drill-down of a URL, or null when it has none of its parameters; values the API
 * would refuse are left out rather than sent. */
export function parseRouting(rq: RouteQuery): RoutingDrill | null {
  const by = (one(rq.routed_by) ?? '')
    .split(',')
    .filter((b) => (ROUTED_BY as readonly string[]).includes(b))
    .join(',')
  const result = one(rq.routing_result)
  const since = one(rq.since)
  const drill: RoutingDrill = {
    by: by || null,
    department: one(rq.routed_department) || null,
    rule_id: int(rq.routed_rule_id),
    category: one(rq.routed_category) || null,
    result: result && (ROUTING_RESULTS as readonly string[]).includes(result) ? result : null,
    since: since && !Number.isNaN(Date.parse(since)) ? since : null,
  }
  const any = drill.by || drill.department || drill.rule_id !== null || drill.category || drill.result
  return any ? drill : null
}

function routingParams(d: RoutingDrill | null): Record<string, string> {
  const out: Record<string, string> = {}
  if (!d) return out
  if (d.by) out.routed_by = d.by
  if (d.department) out.routed_department = d.department
  if (d.rule_id !== null) out.routed_rule_id = String(d.rule_id)
  if (d.category) out.routed_category = d.category
  if (d.result) out.routing_result = d.result
  return out
}

/** The sort a list has when the URL names none: relevance while searching, newest otherwise. */
export function defaultSort(text: string): SortKey {
  return text.trim() ? 'relevance' : 'received_at'
}

export function parseQuery(rq: RouteQuery, defaults: { queue: Queue; per_page: number }): WorkbenchQuery {
  const queue = one(rq.queue)
  const sort = one(rq.sort)
  const text = (one(rq.q) ?? '').slice(0, 200)
  // Relevance only means something with search text.
  const sortOk = (SORT_KEYS as readonly string[]).includes(sort ?? '') && (sort !== 'relevance' || !!text.trim())
  const severity = int(rq.severity)
  const perPage = int(rq.per_page)
  return {
    queue: (QUEUES as readonly string[]).includes(queue ?? '') ? (queue as Queue) : defaults.queue,
    state: (one(rq.state) ?? '').split(',').filter(Boolean),
    severity: severity !== null && severity >= 1 && severity <= 3 ? severity : null,
    category_id: int(rq.category_id),
    department_id: int(rq.department_id),
    channel: one(rq.channel) || null,
    risk: (one(rq.risk) ?? '').split(',').filter((r) => (RISK_FILTER as readonly string[]).includes(r)),
    from: date(rq.from),
    to: date(rq.to),
    q: text,
    routing: parseRouting(rq),
    sort: sortOk ? (sort as SortKey) : defaultSort(text),
    order: one(rq.order) === 'asc' ? 'asc' : 'desc',
    page: Math.max(1, int(rq.page) ?? 1),
    per_page: perPage !== null && perPage >= 1 && perPage <= 200 ? perPage : defaults.per_page,
  }
}

/** Only what differs from the defaults goes into the URL, so links stay short. */
export function toRouteQuery(q: WorkbenchQuery, defaults: { queue: Queue; per_page: number }): Record<string, string> {
  const out: Record<string, string> = {}
  if (q.queue !== defaults.queue) out.queue = q.queue
  if (q.state.length) out.state = q.state.join(',')
  if (q.severity) out.severity = String(q.severity)
  if (q.category_id) out.category_id = String(q.category_id)
  if (q.department_id) out.department_id = String(q.department_id)
  if (q.channel) out.channel = q.channel
  if (q.risk.length) out.risk = q.risk.join(',')
  if (q.from) out.from = q.from
  if (q.to) out.to = q.to
  if (q.q.trim()) out.q = q.q.trim()
  Object.assign(out, routingParams(q.routing))
  if (q.routing?.since) out.since = q.routing.since
  if (q.sort !== defaultSort(q.q)) out.sort = q.sort
  if (q.order !== 'desc') out.order = q.order
  if (q.page > 1) out.page = String(q.page)
  if (q.per_page !== defaults.per_page) out.per_page = String(q.per_page)
  return out
}

/** The API query for GET /complaints. */
export function toApiQuery(q: WorkbenchQuery): Record<string, string | number> {
  const out: Record<string, string | number> = { queue: q.queue, sort: q.sort, order: q.order, page: q.page, per_page: q.per_page }
  if (q.state.length) out.state = q.state.join(',')
  if (q.severity) out.severity = q.severity
  if (q.category_id) out.category_id = q.category_id
  if (q.department_id) out.department_id = q.department_id
  if (q.channel) out.channel = q.channel
  if (q.risk.length) out.risk = q.risk.join(',')
  if (q.from) out.from = dayStartIso(q.from)
  else if (q.routing?.since) out.from = q.routing.since
  if (q.to) out.to = nextDayStartIso(q.to)
  if (q.q.trim()) out.q = q.q.trim()
  Object.assign(out, routingParams(q.routing))
  return out
}

/** Whether any filter (not queue, sort or page) is set. */
export function hasFilters(q: WorkbenchQuery): boolean {
  return !!(q.state.length || q.risk.length || q.severity || q.category_id || q.department_id || q.channel || q.from || q.to || q.q.trim() || q.routing)
}

/** The queue a user starts in: their own work if they handle complaints, triage if they route them. */
export function defaultQueue(can: (p: string) => boolean): Queue {
  if (can('complaint.accept') && !can('complaint.assign')) return 'mine'
  if (can('complaint.assign') || can('complaint.classify')) return 'triage'
  return 'all'
}

/** Queue counts from per-state counts, for servers without /complaints/queues (mine and department unknown). */
export function queueCountsFromStates(byState: Record<string, number>): Partial<Record<Queue, number>> {
  const n = (s: string) => Number(byState[s] ?? 0)
  const all = Object.values(byState).reduce((a, b) => a + Number(b || 0), 0)
  return {
    triage: n('received'),
    awaiting_customer: n('awaiting_customer'),
    return_visits: n('resolved'),
    all,
  }
}

/** The quote marks the search treats as quotes, in any pairing (as the server's `segment.rs`). */
const QUOTE_MARKS = new Set(['"', '“', '”', '＂'])

/**
 * The searched text as the results line shows it: inside “…”, unless the query is one quoted
 * phrase already, which keeps its own quotes rather than getting a second pair.
 */
export function quotedQuery(q: string): string {
  const s = q.trim()
  const chars = [...s]
  const inner = chars.slice(1, -1)
  const onePhrase =
    chars.length >= 2 && QUOTE_MARKS.has(chars[0]!) && QUOTE_MARKS.has(chars[chars.length - 1]!) && !inner.some((c) => QUOTE_MARKS.has(c))
  return onePhrase ? `“${inner.join('')}”` : `“${s}”`
}
