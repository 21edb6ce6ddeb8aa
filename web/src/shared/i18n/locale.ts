// The current UI locale, readable without Vue (the HTTP module and pure helpers use it).
// The i18n plugin keeps it in step; see ./index.ts.

export type AppLocale = 'zh-CN' | 'en-US'
export const LOCALES: readonly AppLocale[] = ['zh-CN', 'en-US'] as const
export const DEFAULT_LOCALE: AppLocale = 'zh-CN'
export const LOCALE_STORAGE_KEY = 'cloop.locale'

let current: AppLocale = DEFAULT_LOCALE

export function getLocale(): AppLocale {
  return current
}

export function setCurrentLocale(l: AppLocale): void {
  current = l
}

export function isAppLocale(v: unknown): v is AppLocale {
  return v === 'zh-CN' || v === 'en-US'
}

/** The locale remembered in localStorage, else the browser's language, else zh-CN. */
export function initialLocale(): AppLocale {
  try {
    const saved = globalThis.localStorage?.getItem(LOCALE_STORAGE_KEY)
    if (isAppLocale(saved)) return saved
  } catch {
    /* storage may be unavailable */
  }
  const nav = globalThis.navigator?.language ?? ''
  return nav.toLowerCase().startsWith('en') ? 'en-US' : DEFAULT_LOCALE
}

/** A bilingual server text `{ "zh-CN": …, "en": … }` in the given locale. */
export function pickServerText(
  m: { 'zh-CN'?: string; en?: string } | null | undefined,
  locale: AppLocale = current,
): string {
  if (!m) return ''
  return (locale === 'en-US' ? m.en || m['zh-CN'] : m['zh-CN'] || m.en) ?? ''
}

/** A `{name, name_en}` label (meta, org units, categories, roles) in the given locale. */
export function pickName(
  l: { name?: string | null; name_en?: string | null } | null | undefined,
  locale: AppLocale = current,
): string {
  if (!l) return ''
  return (locale === 'en-US' ? l.name_en || l.name : l.name || l.name_en) ?? ''
}
