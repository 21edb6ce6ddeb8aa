// Binds a declared shortcut map (shared/shortcuts/keymap.ts) to one keydown listener.

import { onBeforeUnmount, onMounted } from 'vue'
import { matchShortcut, type Shortcut } from '@shared/shortcuts/keymap'

/** Whether an Element Plus dialog, drawer or message box is showing. */
export function isDialogOpen(): boolean {
  if (typeof document === 'undefined') return false
  const shown = (el: HTMLElement) => el.style.display !== 'none' && el.getClientRects().length > 0
  return Array.from(document.querySelectorAll<HTMLElement>('.el-overlay, .el-image-viewer__wrapper, [aria-modal="true"]')).some(shown)
}

export function useShortcuts(map: readonly Shortcut[], handlers: Record<string, (e: KeyboardEvent) => void>, extraBlock?: () => boolean) {
  function onKey(e: KeyboardEvent) {
    const id = matchShortcut(e, map, { dialogOpen: isDialogOpen() || !!extraBlock?.() })
    if (!id || !handlers[id]) return
    e.preventDefault()
    handlers[id](e)
  }
  onMounted(() => window.addEventListener('keydown', onKey))
  onBeforeUnmount(() => window.removeEventListener('keydown', onKey))
}
