// The detail page's parts (header, customer card, timeline, action bar, drawers) share one typed
// context through provide/inject instead of prop drilling.

import { inject, type ComputedRef, type InjectionKey, type Ref, type ShallowRef } from 'vue'
import type { ComplaintDetailDto, ComplaintDto, CustomerDto, SearchMarksDto } from '@shared/api/types'
import type { ApiError } from '@shared/api/http'
import type { ActionName } from '@shared/domain/complaint/actions'

export interface DetailContext {
  detail: ShallowRef<ComplaintDetailDto | null>
  complaint: ComputedRef<ComplaintDto | null>
  customer: ShallowRef<CustomerDto | null>
  loading: Ref<boolean>
  error: ShallowRef<ApiError | null>
  actions: ComputedRef<ActionName[]>
  refresh: () => Promise<void>
  /** Opens the drawer form of an action. */
  startAction: (a: ActionName) => void
  /** Reveals the customer's full contact details (logged on the server). */
  reveal: () => Promise<void>
  revealing: Ref<boolean>
  attachmentUrl: (sha256: string) => string
  /** The search the complaint was opened from (`?q=` of the page), or ''. */
  searchText: ComputedRef<string>
  /** That search's words marked in the complaint's texts; null without a search (or while loading). */
  marks: ShallowRef<SearchMarksDto | null>
  /** Leaves the search: the texts are shown unmarked. */
  clearMarks: () => void
}

export const DETAIL_KEY: InjectionKey<DetailContext> = Symbol('complaint-detail')

export function useDetailContext(): DetailContext {
  const ctx = inject(DETAIL_KEY)
  if (!ctx) throw new Error('useDetailContext() outside ComplaintDetailView')
  return ctx
}
