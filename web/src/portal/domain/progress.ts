// The customer's view of where a complaint is: five friendly steps instead of the eleven states
// staff work with. Pure TypeScript (no Vue), unit-tested.
//
//   已受理 → 处理中 → 待您确认 → 处理完成 → 已关闭
//
// Internal detours (approval, secondary review) show as "处理中"; an invalid complaint ends at
// "已关闭" with an error mark.

export const PORTAL_STEPS = ['received', 'handling', 'awaiting_you', 'done', 'closed'] as const
export type PortalStep = (typeof PORTAL_STEPS)[number]

/** `process`: the current step is under way; `finish`: it is complete; `error`: ended without a
 * result (invalid complaint). */
export type StepStatus = 'process' | 'finish' | 'error'

/** Key of the sentence that tells the customer what is going on (`portal.hint.<key>`). */
export type HintKey =
  | 'received'
  | 'handling'
  | 'approval'
  | 'awaiting_you'
  | 'executing'
  | 'resolved'
  | 'rated'
  | 'review'
  | 'closed'
  | 'invalid'
  | 'unknown'

export const HINT_KEYS: readonly HintKey[] = [
  'received',
  'handling',
  'approval',
  'awaiting_you',
  'executing',
  'resolved',
  'rated',
  'review',
  'closed',
  'invalid',
  'unknown',
]

export interface Progress {
  /** Index into PORTAL_STEPS of the current step. */
  step: number
  status: StepStatus
  hint: HintKey
  /** Whether the customer is the one who should act now. */
  yourTurn: boolean
}

const at = (s: PortalStep) => PORTAL_STEPS.indexOf(s)

export function progressOf(state: string, opts: { rated?: boolean } = {}): Progress {
  switch (state) {
    case 'received':
      return { step: at('received'), status: 'process', hint: 'received', yourTurn: false }
    case 'assigned':
    case 'investigating':
      return { step: at('handling'), status: 'process', hint: 'handling', yourTurn: false }
    case 'pending_approval':
      return { step: at('handling'), status: 'process', hint: 'approval', yourTurn: false }
    case 'secondary_review':
      return { step: at('handling'), status: 'process', hint: 'review', yourTurn: false }
    case 'awaiting_customer':
      return { step: at('awaiting_you'), status: 'process', hint: 'awaiting_you', yourTurn: true }
    case 'executing':
      return { step: at('done'), status: 'process', hint: 'executing', yourTurn: false }
    case 'resolved':
      return { step: at('done'), status: 'finish', hint: opts.rated ? 'rated' : 'resolved', yourTurn: false }
    case 'closed':
    case 'archived':
      return { step: at('closed'), status: 'finish', hint: 'closed', yourTurn: false }
    case 'invalid':
      return { step: at('closed'), status: 'error', hint: 'invalid', yourTurn: false }
    default:
      return { step: at('received'), status: 'process', hint: 'unknown', yourTurn: false }
  }
}

/** How one step of the bar looks for a given progress. */
export type StepLook = 'done' | 'current' | 'error' | 'todo'

export function stepLook(index: number, p: Progress): StepLook {
  // An invalid complaint was closed right after it was received: the steps between never happened.
  if (p.status === 'error' && index > 0 && index < p.step) return 'todo'
  if (index < p.step) return 'done'
  if (index > p.step) return 'todo'
  if (p.status === 'error') return 'error'
  return p.status === 'finish' ? 'done' : 'current'
}
