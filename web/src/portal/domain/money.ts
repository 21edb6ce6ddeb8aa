// Remedy amounts as customers read them. The API sends amounts in fen (1/100 元); the page shows
// 元: "1,500 元" / "12.50 元" in Chinese, "¥1,500" / "¥12.50" in English. Pure, unit-tested.

import { fenToYuan } from '@shared/domain/complaint/money'

export interface PortalMeasure {
  kind: string
  /** fen */
  amount: number
  description?: string | null
}

/** Formats an amount in fen as 元; whole amounts without decimals, others with two. */
export function formatFen(fen: number, locale: string): string {
  const value = Math.round(Number(fen) || 0)
  const whole = value % 100 === 0
  const yuan = fenToYuan(value)
  const n = new Intl.NumberFormat(locale === 'en-US' ? 'en-US' : 'zh-CN', {
    minimumFractionDigits: whole ? 0 : 2,
    maximumFractionDigits: 2,
  }).format(Math.abs(yuan))
  const sign = value < 0 ? '-' : ''
  return locale === 'en-US' ? `${sign}¥${n}` : `${sign}${n} 元`
}

/** Whether a measure carries money (apologies and explanations do not). */
export function hasAmount(m: PortalMeasure): boolean {
  return Math.round(Number(m.amount) || 0) > 0
}

/** Sum of the measures, in fen. */
export function totalFen(measures: readonly PortalMeasure[]): number {
  return measures.reduce((s, m) => s + Math.round(Number(m.amount) || 0), 0)
}

export const MEASURE_KINDS = [
  'refund',
  'return_exchange',
  'repair',
  'compensation',
  'gift',
  'written_apology',
  'service_fix',
  'explanation',
] as const
