// The loop's states as the UI shows them (mirrors crates/domain/src/model.rs `State`).
// Pure TypeScript: no Vue, unit-tested.

export const STATES = [
  'received',
  'invalid',
  'assigned',
  'investigating',
  'pending_approval',
  'awaiting_customer',
  'executing',
  'resolved',
  'secondary_review',
  'closed',
  'archived',
] as const
export type StateCode = (typeof STATES)[number]

export function isStateCode(s: string): s is StateCode {
  return (STATES as readonly string[]).includes(s)
}

/** Open = still needs work (same rule as `State::is_open`). */
export function isOpen(state: string): boolean {
  return isStateCode(state) && state !== 'invalid' && state !== 'closed' && state !== 'archived'
}

/** Element Plus tag type; `''` is the default (primary) look. */
export type Tone = 'primary' | 'success' | 'warning' | 'danger' | 'info'

const TONE: Record<StateCode, Tone> = {
  received: 'primary',
  invalid: 'info',
  assigned: 'primary',
  investigating: 'primary',
  pending_approval: 'warning',
  awaiting_customer: 'warning',
  executing: 'primary',
  resolved: 'success',
  secondary_review: 'danger',
  closed: 'success',
  archived: 'info',
}

/** Icon names (mapped to @element-plus/icons-vue components by the console). */
export type IconKey =
  | 'inbox'
  | 'ban'
  | 'send'
  | 'search'
  | 'stamp'
  | 'user-wait'
  | 'tools'
  | 'check'
  | 'review'
  | 'lock'
  | 'archive'
  | 'note'
  | 'reply'
  | 'phone'
  | 'paperclip'
  | 'money'
  | 'star'
  | 'link'
  | 'warning'
  | 'flag'
  | 'refresh'
  | 'switch'
  | 'user'
  | 'clock'

const ICON: Record<StateCode, IconKey> = {
  received: 'inbox',
  invalid: 'ban',
  assigned: 'send',
  investigating: 'search',
  pending_approval: 'stamp',
  awaiting_customer: 'user-wait',
  executing: 'tools',
  resolved: 'check',
  secondary_review: 'review',
  closed: 'lock',
  archived: 'archive',
}

export function stateTone(state: string): Tone {
  return isStateCode(state) ? TONE[state] : 'info'
}

export function stateIcon(state: string): IconKey {
  return isStateCode(state) ? ICON[state] : 'inbox'
}

/** Tag style: terminal states are plain, active ones light, states that need someone's attention dark. */
export function stateEffect(state: string): 'dark' | 'light' | 'plain' {
  if (state === 'pending_approval' || state === 'secondary_review') return 'dark'
  if (!isOpen(state)) return 'plain'
  return 'light'
}

/** The main path shown as steps on the detail page. */
export const MAIN_PATH: readonly StateCode[] = [
  'received',
  'assigned',
  'investigating',
  'awaiting_customer',
  'executing',
  'resolved',
  'closed',
] as const

/** Index of the state on the main path (side states map to where they sit in the loop). */
export function mainPathStep(state: string): number {
  switch (state) {
    case 'pending_approval':
      return MAIN_PATH.indexOf('investigating')
    case 'secondary_review':
      return MAIN_PATH.indexOf('resolved')
    case 'archived':
      return MAIN_PATH.length - 1
    case 'invalid':
      return 0
    default: {
      const i = MAIN_PATH.indexOf(state as StateCode)
      return i < 0 ? 0 : i
    }
  }
}

export const SEVERITIES = [1, 2, 3] as const
export type Severity = (typeof SEVERITIES)[number]

/** Severity as 1–3 from any of the server's spellings (1, "1", "level1"). */
export function severityLevel(v: unknown): number | null {
  const m = /^(?:level)?([123])$/.exec(String(v ?? ''))
  return m ? Number(m[1]) : null
}

export function severityTone(severity: number | null | undefined): Tone {
  switch (severity) {
    case 1:
      return 'danger'
    case 2:
      return 'warning'
    case 3:
      return 'info'
    default:
      return 'info'
  }
}

/** Escalation 0–3: 0 is normal and shows nothing. */
export function escalationTone(level: number | null | undefined): Tone | null {
  if (!level) return null
  return level >= 3 ? 'danger' : level === 2 ? 'warning' : 'primary'
}

export const CHANNELS = ['phone', 'web', 'email', 'wechat', 'sms', 'walk_in', 'letter', 'api'] as const
/** Channels an agent picks when registering (api and web come in by themselves). */
export const AGENT_CHANNELS = ['phone', 'walk_in', 'email', 'letter', 'wechat', 'sms', 'web'] as const
