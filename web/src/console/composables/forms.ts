// Server field errors land on their fields: `<el-form-item :error="errors.x">`.

import { nextTick, ref } from 'vue'
import type { ApiError } from '@shared/api/http'

export function useServerErrors(mapField: (serverField: string) => string = (f) => f) {
  const errors = ref<Record<string, string>>({})
  /** Shows the field errors of `e`; returns whether any field got one. */
  async function apply(e: ApiError): Promise<boolean> {
    errors.value = {}
    await nextTick()
    const next: Record<string, string> = {}
    for (const [field, msg] of Object.entries(e.fieldErrors)) {
      const f = mapField(field)
      if (!(f in next)) next[f] = msg
    }
    errors.value = next
    return Object.keys(next).length > 0
  }
  function clear() {
    errors.value = {}
  }
  return { errors, apply, clear }
}

/** A fresh key for idempotent intake. */
export function newIdempotencyKey(): string {
  const c = globalThis.crypto
  if (c?.randomUUID) return c.randomUUID()
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`
}
