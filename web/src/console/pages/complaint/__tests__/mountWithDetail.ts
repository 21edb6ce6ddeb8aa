// Mounts a part of the complaint page with the detail context it reads, for component tests:
// `detail` is what the page loaded (only the fields the part reads need be given); `search` the
// search it was opened from, with its marks.
import { mount } from '@vue/test-utils'
import { computed, ref, shallowRef, type Component } from 'vue'
import { createAppI18n } from '@shared/i18n'
import type { AppLocale } from '@shared/i18n/locale'
import type { ComplaintDetailDto, ComplaintDto, SearchMarksDto } from '@shared/api/types'
import { DETAIL_KEY, type DetailContext } from '../context'

export function mountWithDetail(
  part: Component,
  detail: unknown,
  locale: AppLocale = 'zh-CN',
  stubs: Record<string, boolean> = {},
  search: { text: string; marks: SearchMarksDto } | null = null,
) {
  const loaded = shallowRef(detail as ComplaintDetailDto)
  const ctx = {
    detail: loaded,
    complaint: computed(() => loaded.value?.complaint as ComplaintDto),
    customer: shallowRef(null),
    loading: ref(false),
    error: shallowRef(null),
    actions: computed(() => []),
    refresh: async () => {},
    startAction: () => {},
    reveal: async () => {},
    revealing: ref(false),
    attachmentUrl: (s: string) => s,
    searchText: computed(() => search?.text ?? ''),
    marks: shallowRef(search?.marks ?? null),
    clearMarks: () => {},
  } as unknown as DetailContext
  return mount(part, { global: { plugins: [createAppI18n(locale)], provide: { [DETAIL_KEY as symbol]: ctx }, stubs } })
}
