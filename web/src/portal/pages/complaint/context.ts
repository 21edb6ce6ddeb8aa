// The complaint page's shared context: its parts (header, remedy, rating, history) read the
// complaint and call the actions through this, not through props passed down.

import { inject, provide, type InjectionKey } from 'vue'
import type { useComplaint } from './useComplaint'

export type ComplaintContext = ReturnType<typeof useComplaint>

const KEY: InjectionKey<ComplaintContext> = Symbol('portal-complaint')

export function provideComplaint(ctx: ComplaintContext): void {
  provide(KEY, ctx)
}

export function useComplaintContext(): ComplaintContext {
  const ctx = inject(KEY)
  if (!ctx) throw new Error('useComplaintContext() outside the complaint page')
  return ctx
}
