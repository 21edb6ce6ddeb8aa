// The last receipt (case number + link token), so the success page survives a reload. Kept in
// sessionStorage: it stays in this tab and is gone when the tab closes.

export interface Receipt {
  caseNo: string
  token: string
}

const KEY = 'cloop.portal.receipt'

export function rememberReceipt(r: { case_no: string; token: string }): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify({ caseNo: r.case_no, token: r.token }))
  } catch {
    /* storage may be unavailable */
  }
}

/** From the history entry's state first, else from sessionStorage. */
export function recallReceipt(state: unknown = globalThis.history?.state): Receipt | null {
  const s = state as Partial<Receipt> | null
  if (s && typeof s.caseNo === 'string' && typeof s.token === 'string') return { caseNo: s.caseNo, token: s.token }
  try {
    const raw = sessionStorage.getItem(KEY)
    if (!raw) return null
    const r = JSON.parse(raw) as Partial<Receipt>
    if (typeof r.caseNo === 'string' && typeof r.token === 'string') return { caseNo: r.caseNo, token: r.token }
  } catch {
    /* ignore */
  }
  return null
}
