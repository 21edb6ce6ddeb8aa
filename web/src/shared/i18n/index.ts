// vue-i18n set-up. zh-CN is the source locale; every namespace is one JSON file per locale
// (zh-CN/complaint.json ↔ en-US/complaint.json), merged as `{ complaint: {...}, ... }`.
// A test fails when a key exists in one locale and not in the other.

import { createI18n } from 'vue-i18n'
import { DEFAULT_LOCALE, LOCALE_STORAGE_KEY, initialLocale, setCurrentLocale, type AppLocale } from './locale'

type Messages = Record<string, Record<string, unknown>>

function collect(files: Record<string, unknown>): Messages {
  const out: Messages = {}
  for (const [path, mod] of Object.entries(files)) {
    const ns = path.split('/').pop()!.replace(/\.json$/, '')
    out[ns] = ((mod as { default?: unknown }).default ?? mod) as Record<string, unknown>
  }
  return out
}

export const messages: Record<AppLocale, Messages> = {
  'zh-CN': collect(import.meta.glob('./zh-CN/*.json', { eager: true })),
  'en-US': collect(import.meta.glob('./en-US/*.json', { eager: true })),
}

export function createAppI18n(locale: AppLocale = initialLocale()) {
  setCurrentLocale(locale)
  return createI18n({
    legacy: false,
    locale,
    fallbackLocale: DEFAULT_LOCALE,
    messages: messages as never,
    missingWarn: false,
    fallbackWarn: false,
  })
}

export type AppI18n = ReturnType<typeof createAppI18n>

/** Switches the app's language (pass the global `locale` ref of useI18n), remembers it in
 * localStorage and updates <html lang>. Element Plus follows through ElConfigProvider. */
export function applyLocale(localeRef: { value: string }, locale: AppLocale): void {
  localeRef.value = locale
  setCurrentLocale(locale)
  try {
    localStorage.setItem(LOCALE_STORAGE_KEY, locale)
  } catch {
    /* ignore */
  }
  if (typeof document !== 'undefined') document.documentElement.lang = locale
}
