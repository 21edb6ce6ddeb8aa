// Money in remedies: the API takes 元 (two decimals at most) and stores fen. Sums are done in fen
// so 0.1 + 0.2 is 0.30 元, not 0.30000000000000004.

export function yuanToFen(yuan: number): number {
  return Math.round(yuan * 100)
}

export function fenToYuan(fen: number): number {
  return fen / 100
}

/** Whether a 元 amount has at most two decimals and is not negative. */
export function isValidYuan(yuan: unknown): boolean {
  if (typeof yuan !== 'number' || !Number.isFinite(yuan) || yuan < 0) return false
  return Math.abs(yuan * 100 - Math.round(yuan * 100)) < 1e-6
}

/** Sum of measure amounts given in 元; returns 元. */
export function totalYuan(measures: readonly { amount?: number | null }[]): number {
  return fenToYuan(measures.reduce((s, m) => s + yuanToFen(Number(m.amount) || 0), 0))
}

/** Sum per measure kind, in fen. */
export function fenPerKind(measures: readonly { kind: string; amount?: number | null }[], unit: 'yuan' | 'fen'): Map<string, number> {
  const m = new Map<string, number>()
  for (const x of measures) {
    const fen = unit === 'yuan' ? yuanToFen(Number(x.amount) || 0) : Math.round(Number(x.amount) || 0)
    m.set(x.kind, (m.get(x.kind) ?? 0) + fen)
  }
  return m
}

export function formatYuan(yuan: number, locale: string): string {
  return new Intl.NumberFormat(locale === 'en-US' ? 'en-US' : 'zh-CN', {
    style: 'currency',
    currency: 'CNY',
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  }).format(yuan)
}

/** Measures that carry no money (the server wants amount 0 for them). */
export const NO_AMOUNT_MEASURES: readonly string[] = ['written_apology', 'service_fix', 'explanation']
