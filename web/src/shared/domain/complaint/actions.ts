// The commands on a complaint, which state and permission each needs (mirror of
// crates/domain/src/lifecycle.rs `decide`), and which form each opens. The server's
// `allowed_actions` is the authority; the mirror is the fallback for servers that don't send it
// and the source of the form definitions. Pure TypeScript, unit-tested.

import { isOpen, type StateCode } from './status'

export const ACTIONS = [
  'classify',
  'assign',
  'accept',
  'handler',
  'transfer',
  'remedy',
  'remedy/approve',
  'remedy/reject',
  'customer-decision',
  'execution/start',
  'result',
  'resolve',
  'satisfaction',
  'return-visit',
  'review',
  'close',
  'reopen',
  'notes',
  'contacts',
  'evidence',
  'escalate',
  'links',
  'case-value',
  'invalidate',
  'archive',
] as const
export type ActionName = (typeof ACTIONS)[number]

export function isActionName(s: string): s is ActionName {
  return (ACTIONS as readonly string[]).includes(s)
}

/** Field kinds the action drawer knows how to render. */
export type FieldKind =
  | 'textarea'
  | 'text'
  | 'category'
  | 'severity'
  | 'department'
  | 'handler'
  | 'channel'
  | 'visibility'
  | 'agree'
  | 'stars'
  | 'visit_method'
  | 'visit_outcome'
  | 'review_decision'
  | 'escalation_level'
  | 'external_body'
  | 'case_value'
  | 'case_no'
  | 'confirm_case_no'
  | 'measures'
  | 'file'
  | 'misrouted'

export interface FieldSpec {
  /** Form model key (also the request field it feeds, unless `build` maps it). */
  name: string
  kind: FieldKind
  required?: boolean
  maxLength?: number
}

export interface ActionSpec {
  action: ActionName
  permission: string
  /** States in which the command is possible; `'open'` = any open state; `'any'` = unless archived. */
  states: readonly StateCode[] | 'open' | 'any'
  fields: readonly FieldSpec[]
  /** Button look: main path actions are primary; irreversible ones danger. */
  tone: 'primary' | 'default' | 'warning' | 'danger'
  /** Shown in the "more" menu rather than as a button. */
  secondary?: boolean
  /** Ask for the case number before doing it (irreversible). */
  confirmCaseNo?: boolean
}

const reason: FieldSpec = { name: 'reason', kind: 'textarea', required: true, maxLength: 1000 }

export const ACTION_SPECS: Record<ActionName, ActionSpec> = {
  classify: {
    action: 'classify',
    permission: 'complaint.classify',
    states: 'open',
    tone: 'primary',
    fields: [
      { name: 'category', kind: 'category', required: true },
      { name: 'severity', kind: 'severity', required: true },
      { name: 'product_ref', kind: 'text', maxLength: 200 },
      { name: 'order_ref', kind: 'text', maxLength: 200 },
    ],
  },
  assign: {
    action: 'assign',
    permission: 'complaint.assign',
    states: ['received'],
    tone: 'primary',
    fields: [
      { name: 'department_id', kind: 'department', required: true },
      { name: 'handler_id', kind: 'handler' },
    ],
  },
  accept: { action: 'accept', permission: 'complaint.accept', states: ['assigned'], tone: 'primary', fields: [] },
  handler: {
    action: 'handler',
    permission: 'complaint.assign',
    states: ['assigned', 'investigating'],
    tone: 'default',
    secondary: true,
    fields: [{ name: 'handler_id', kind: 'handler', required: true }],
  },
  transfer: {
    action: 'transfer',
    permission: 'complaint.assign',
    states: ['assigned', 'investigating'],
    tone: 'default',
    fields: [
      { name: 'department_id', kind: 'department', required: true },
      { name: 'handler_id', kind: 'handler' },
      reason,
      // 分派有误: the department it leaves should never have had it (first transfer only).
      { name: 'misrouted', kind: 'misrouted' },
    ],
  },
  remedy: {
    action: 'remedy',
    permission: 'remedy.propose',
    states: ['investigating'],
    tone: 'primary',
    fields: [
      { name: 'measures', kind: 'measures', required: true },
      { name: 'explanation', kind: 'textarea', required: true, maxLength: 2000 },
    ],
  },
  'remedy/approve': {
    action: 'remedy/approve',
    permission: 'remedy.approve',
    states: ['pending_approval'],
    tone: 'primary',
    fields: [{ name: 'comment', kind: 'textarea', maxLength: 1000 }],
  },
  'remedy/reject': {
    action: 'remedy/reject',
    permission: 'remedy.approve',
    states: ['pending_approval'],
    tone: 'danger',
    fields: [reason],
  },
  'customer-decision': {
    action: 'customer-decision',
    permission: 'complaint.customer_decision',
    states: ['awaiting_customer'],
    tone: 'primary',
    fields: [
      { name: 'agree', kind: 'agree', required: true },
      { name: 'comment', kind: 'textarea', maxLength: 1000 },
    ],
  },
  'execution/start': {
    action: 'execution/start',
    permission: 'complaint.execute',
    states: ['executing'],
    tone: 'primary',
    fields: [{ name: 'note', kind: 'textarea', maxLength: 1000 }],
  },
  result: {
    action: 'result',
    permission: 'complaint.execute',
    states: ['executing'],
    tone: 'primary',
    fields: [{ name: 'result', kind: 'textarea', required: true, maxLength: 2000 }],
  },
  resolve: {
    action: 'resolve',
    permission: 'complaint.resolve',
    states: ['received'],
    tone: 'default',
    fields: [{ name: 'summary', kind: 'textarea', required: true, maxLength: 2000 }],
  },
  satisfaction: {
    action: 'satisfaction',
    permission: 'complaint.survey',
    states: ['resolved'],
    tone: 'primary',
    fields: [
      { name: 'stars', kind: 'stars', required: true },
      { name: 'comment', kind: 'textarea', maxLength: 1000 },
    ],
  },
  'return-visit': {
    action: 'return-visit',
    permission: 'complaint.return_visit',
    states: ['resolved'],
    tone: 'primary',
    fields: [
      { name: 'method', kind: 'visit_method', required: true },
      { name: 'outcome', kind: 'visit_outcome', required: true },
      { name: 'note', kind: 'textarea', maxLength: 1000 },
    ],
  },
  review: {
    action: 'review',
    permission: 'complaint.review',
    states: ['secondary_review'],
    tone: 'primary',
    fields: [{ name: 'decision', kind: 'review_decision', required: true }, { name: 'handler_id', kind: 'handler' }, reason],
  },
  close: {
    action: 'close',
    permission: 'complaint.close',
    states: ['resolved'],
    tone: 'primary',
    fields: [{ name: 'note', kind: 'textarea', maxLength: 1000 }],
  },
  reopen: { action: 'reopen', permission: 'complaint.reopen', states: ['closed'], tone: 'warning', fields: [reason] },
  notes: {
    action: 'notes',
    permission: 'complaint.note',
    states: 'any',
    tone: 'default',
    fields: [
      { name: 'visibility', kind: 'visibility', required: true },
      { name: 'text', kind: 'textarea', required: true, maxLength: 5000 },
    ],
  },
  contacts: {
    action: 'contacts',
    permission: 'complaint.note',
    states: 'any',
    tone: 'default',
    fields: [
      { name: 'channel', kind: 'channel', required: true },
      { name: 'summary', kind: 'textarea', required: true, maxLength: 2000 },
    ],
  },
  evidence: {
    action: 'evidence',
    permission: 'complaint.evidence',
    states: 'any',
    tone: 'default',
    fields: [{ name: 'file', kind: 'file', required: true }],
  },
  escalate: {
    action: 'escalate',
    permission: 'complaint.escalate',
    states: 'open',
    tone: 'warning',
    secondary: true,
    fields: [{ name: 'level', kind: 'escalation_level', required: true }, { name: 'external', kind: 'external_body' }, reason],
  },
  links: {
    action: 'links',
    permission: 'complaint.link',
    states: 'any',
    tone: 'default',
    secondary: true,
    fields: [{ name: 'complaint', kind: 'case_no', required: true, maxLength: 40 }],
  },
  'case-value': {
    action: 'case-value',
    permission: 'complaint.case_value',
    states: 'any',
    tone: 'default',
    secondary: true,
    fields: [
      { name: 'value', kind: 'case_value', required: true },
      { name: 'note', kind: 'textarea', maxLength: 1000 },
    ],
  },
  invalidate: {
    action: 'invalidate',
    permission: 'complaint.validate',
    states: ['received'],
    tone: 'danger',
    secondary: true,
    fields: [reason],
  },
  archive: {
    action: 'archive',
    permission: 'complaint.archive',
    states: ['closed', 'invalid'],
    tone: 'danger',
    secondary: true,
    confirmCaseNo: true,
    fields: [{ name: 'confirm', kind: 'confirm_case_no', required: true }],
  },
}

/** What the mirror needs to know about a complaint. */
export interface ComplaintFacts {
  state: string
  handler_id?: number | null
  category_id?: number | null
  severity?: number | null
  execution_started?: boolean
  return_visit?: { outcome?: string } | null
  satisfaction?: { stars?: number } | null
  allowed_actions?: readonly string[] | null
}

function stateAllows(spec: ActionSpec, state: string): boolean {
  if (state === 'archived') return false
  if (spec.states === 'any') return true
  if (spec.states === 'open') return isOpen(state)
  return (spec.states as readonly string[]).includes(state)
}

/** Client-side mirror of what the domain would allow (the server stays the authority). */
export function mirrorAllowedActions(c: ComplaintFacts, permissions: ReadonlySet<string>, userId?: number | null): ActionName[] {
  return ACTIONS.filter((a) => {
    const spec = ACTION_SPECS[a]
    if (!permissions.has(spec.permission)) return false
    if (!stateAllows(spec, c.state)) return false
    switch (a) {
      case 'assign':
        return c.category_id != null && c.severity != null
      case 'accept':
        return c.handler_id == null || c.handler_id === userId || permissions.has('complaint.assign')
      case 'execution/start':
        return !c.execution_started
      case 'close': {
        const outcome = c.return_visit?.outcome
        const ratedOk = c.satisfaction?.stars != null && c.satisfaction.stars > 2
        return outcome === 'satisfied' || (outcome === 'unreachable' && ratedOk)
      }
      default:
        return true
    }
  })
}

/** The actions to show: the server's list when it sends one (in our display order), else the mirror. */
export function allowedActions(c: ComplaintFacts, permissions: ReadonlySet<string>, userId?: number | null): ActionName[] {
  if (Array.isArray(c.allowed_actions)) {
    const set = new Set(c.allowed_actions)
    return ACTIONS.filter((a) => set.has(a))
  }
  return mirrorAllowedActions(c, permissions, userId)
}

/** Splits actions into buttons and the "more" menu; at most `maxPrimary` buttons. */
export function splitActions(actions: readonly ActionName[], maxPrimary = 5): { buttons: ActionName[]; more: ActionName[] } {
  const buttons: ActionName[] = []
  const more: ActionName[] = []
  for (const a of actions) {
    if (!ACTION_SPECS[a].secondary && buttons.length < maxPrimary) buttons.push(a)
    else more.push(a)
  }
  return { buttons, more }
}

export type FormValues = Record<string, unknown>

const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : v == null ? '' : String(v))
const optStr = (v: unknown): string | null => (str(v) ? str(v) : null)
const optNum = (v: unknown): number | null => (v === '' || v == null || Number.isNaN(Number(v)) ? null : Number(v))

/** Initial form values for an action. */
export function initialValues(action: ActionName): FormValues {
  const v: FormValues = {}
  for (const f of ACTION_SPECS[action].fields) {
    switch (f.kind) {
      case 'measures':
        v[f.name] = [{ kind: 'compensation', amount: 0, description: '' }]
        break
      case 'visibility':
        v[f.name] = 'internal'
        break
      case 'channel':
        v[f.name] = 'phone'
        break
      case 'stars':
        v[f.name] = 0
        break
      case 'case_value':
        v[f.name] = true
        break
      case 'agree':
        v[f.name] = null
        break
      case 'file':
        v[f.name] = null
        break
      case 'misrouted':
        v[f.name] = false
        break
      default:
        v[f.name] = f.kind === 'department' || f.kind === 'handler' || f.kind === 'severity' || f.kind === 'escalation_level' ? null : ''
    }
  }
  return v
}

export interface BodyContext {
  /** The category's code for its id (the API takes a code string, or a JSON number id). */
  categoryCode?: (id: number) => string | undefined
}

/** Turns form values into the request body the endpoint expects. */
export function buildBody(action: ActionName, v: FormValues, ctx: BodyContext = {}): unknown {
  switch (action) {
    case 'classify':
      return {
        category: (typeof v.category === 'number' && ctx.categoryCode?.(v.category)) || str(v.category),
        severity: Number(v.severity),
        product_ref: optStr(v.product_ref),
        order_ref: optStr(v.order_ref),
      }
    case 'assign':
      return { department_id: Number(v.department_id), handler_id: optNum(v.handler_id) }
    case 'handler':
      return { handler_id: Number(v.handler_id) }
    case 'transfer':
      return { department_id: Number(v.department_id), handler_id: optNum(v.handler_id), reason: str(v.reason), misrouted: v.misrouted === true }
    case 'accept':
      return {}
    case 'remedy': {
      const measures = (v.measures as { kind: string; amount?: number | null; description?: string }[]) ?? []
      return {
        measures: measures.map((m) => ({ kind: m.kind, amount: Number(m.amount) || 0, description: optStr(m.description) })),
        explanation: str(v.explanation),
      }
    }
    case 'remedy/approve':
      return { comment: optStr(v.comment) }
    case 'customer-decision':
      return { agree: v.agree === true, comment: optStr(v.comment) }
    case 'execution/start':
    case 'close':
      return { note: optStr(v.note) }
    case 'result':
      return { result: str(v.result) }
    case 'resolve':
      return { summary: str(v.summary) }
    case 'satisfaction':
      return { stars: Number(v.stars), comment: optStr(v.comment) }
    case 'return-visit':
      return { method: str(v.method), outcome: str(v.outcome), note: optStr(v.note) }
    case 'review':
      return { decision: str(v.decision), reason: str(v.reason), handler_id: v.decision === 'reopen' ? optNum(v.handler_id) : null }
    case 'notes':
      return { text: str(v.text), visibility: str(v.visibility) || 'internal' }
    case 'contacts':
      return { channel: str(v.channel), summary: str(v.summary) }
    case 'escalate':
      return { level: Number(v.level), external: optStr(v.external), reason: str(v.reason) }
    case 'links':
      return { complaint: str(v.complaint) }
    case 'case-value':
      return { value: v.value === true, note: optStr(v.note) }
    case 'archive':
      return {}
    case 'remedy/reject':
    case 'reopen':
    case 'invalidate':
      return { reason: str(v.reason) }
    case 'evidence':
      return null
  }
}

/** Maps a server field path to the form field it belongs to (e.g. `measures[1].amount` → `measures`). */
export function formFieldFor(action: ActionName, serverField: string): string {
  const names = ACTION_SPECS[action].fields.map((f) => f.name)
  const head = serverField.split(/[.[]/)[0]
  if (names.includes(serverField)) return serverField
  if (head === 'category_id' && names.includes('category')) return 'category'
  if (names.includes(head)) return head
  return serverField
}
