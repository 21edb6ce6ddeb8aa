// Keyboard shortcuts as one declared map (STYLE-WEB §15). Pure: the console binds one keydown
// listener and asks `matchShortcut` what, if anything, to do. Never while an input method is
// composing (Chinese pinyin uses Enter to commit) or a dialog is open.

export interface Shortcut {
  id: string
  /** Key as in KeyboardEvent.key (case-insensitive for letters); `Mod+` = Ctrl or ⌘. */
  keys: readonly string[]
  /** i18n key of the description for the help dialog. */
  label: string
  /** Also fires while typing in a field (only for Escape / Mod+Enter style keys). */
  inInputs?: boolean
}

export const WORKBENCH_SHORTCUTS: readonly Shortcut[] = [
  { id: 'next', keys: ['j', 'ArrowDown'], label: 'shortcuts.next' },
  { id: 'prev', keys: ['k', 'ArrowUp'], label: 'shortcuts.prev' },
  { id: 'open', keys: ['Enter', 'o'], label: 'shortcuts.open' },
  { id: 'select', keys: ['x'], label: 'shortcuts.select' },
  { id: 'assign', keys: ['a'], label: 'shortcuts.assign' },
  { id: 'new', keys: ['n'], label: 'shortcuts.new' },
  { id: 'refresh', keys: ['r'], label: 'shortcuts.refresh' },
  { id: 'search', keys: ['/'], label: 'shortcuts.search' },
  { id: 'clear', keys: ['Escape'], label: 'shortcuts.clear', inInputs: true },
  { id: 'help', keys: ['?'], label: 'shortcuts.help' },
]

export interface KeyLike {
  key: string
  isComposing?: boolean
  keyCode?: number
  ctrlKey?: boolean
  metaKey?: boolean
  altKey?: boolean
  shiftKey?: boolean
  target?: unknown
}

export interface MatchContext {
  /** A dialog, drawer or message box is open. */
  dialogOpen: boolean
}

export function isEditableTarget(t: unknown): boolean {
  const el = t as { tagName?: string; isContentEditable?: boolean; getAttribute?: (n: string) => string | null } | null
  if (!el || typeof el !== 'object') return false
  if (el.isContentEditable) return true
  const tag = (el.tagName ?? '').toUpperCase()
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true
  if (tag === 'INPUT') return true
  return el.getAttribute?.('role') === 'textbox'
}

function keyMatches(def: string, e: KeyLike): boolean {
  const parts = def.split('+')
  const key = parts.pop()!
  const mod = parts.includes('Mod')
  if (mod !== Boolean(e.ctrlKey || e.metaKey)) return false
  if (!mod && (e.ctrlKey || e.metaKey || e.altKey)) return false
  return key.length === 1 ? e.key.toLowerCase() === key.toLowerCase() || e.key === key : e.key === key
}

/** The id of the shortcut this key press means, or null. */
export function matchShortcut(e: KeyLike, map: readonly Shortcut[], ctx: MatchContext): string | null {
  // IME composition: isComposing, or the legacy keyCode 229 some browsers send instead.
  if (e.isComposing || e.keyCode === 229) return null
  if (ctx.dialogOpen) return null
  const editable = isEditableTarget(e.target)
  for (const s of map) {
    if (editable && !s.inInputs) continue
    if (s.keys.some((k) => keyMatches(k, e))) return s.id
  }
  return null
}

/** Display form of a key for the help dialog. */
export function keyLabel(k: string, mac = false): string {
  const map: Record<string, string> = { ArrowDown: '↓', ArrowUp: '↑', Escape: 'Esc', Enter: 'Enter' }
  return k
    .split('+')
    .map((p) => (p === 'Mod' ? (mac ? '⌘' : 'Ctrl') : (map[p] ?? (p.length === 1 ? p.toUpperCase() : p))))
    .join(' + ')
}
