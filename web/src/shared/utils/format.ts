// Dates and numbers for display. Times are stored in UTC and shown in the browser's zone.

import type { AppLocale } from '../i18n/locale'

const pad = (n: number) => String(n).padStart(2, '0')

/** 2026-11-22 14:05 */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

export function formatDate(iso: string | null | undefined): string {
  return formatDateTime(iso).slice(0, 10)
}

/** "3 分钟前" / "3 minutes ago"; `now` comes from the shared clock so every row ticks together. */
export function formatRelative(iso: string | null | undefined, now: number, locale: AppLocale): string {
  if (!iso) return ''
  const t = Date.parse(iso)
  if (Number.isNaN(t)) return ''
  const diff = t - now
  const abs = Math.abs(diff)
  const rtf = new Intl.RelativeTimeFormat(locale === 'en-US' ? 'en' : 'zh-CN', { numeric: 'auto', style: 'short' })
  const sign = diff < 0 ? -1 : 1
  if (abs < 45_000) return rtf.format(0, 'second')
  if (abs < 3_600_000) return rtf.format(sign * Math.round(abs / 60_000), 'minute')
  if (abs < 86_400_000) return rtf.format(sign * Math.round(abs / 3_600_000), 'hour')
  if (abs < 30 * 86_400_000) return rtf.format(sign * Math.round(abs / 86_400_000), 'day')
  return formatDate(iso)
}

export function formatNumber(n: number, locale: AppLocale): string {
  return new Intl.NumberFormat(locale === 'en-US' ? 'en-US' : 'zh-CN').format(n)
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  return `${(n / 1024 / 1024).toFixed(1)} MB`
}

/** Start of the local day as an RFC 3339 instant (filters send UTC instants). */
export function dayStartIso(ymd: string): string {
  const [y, m, d] = ymd.split('-').map(Number)
  return new Date(y, m - 1, d).toISOString()
}

/** Start of the following local day (an exclusive upper bound). */
export function nextDayStartIso(ymd: string): string {
  const [y, m, d] = ymd.split('-').map(Number)
  return new Date(y, m - 1, d + 1).toISOString()
}
