// Workbench columns: which exist, which show by default, which sort on the server.

import type { SortKey } from './query'

export interface ColumnDef {
  key: string
  label: string
  width?: number
  /** Width in English, whose headers and values ("Customer", "Pending approval") run longer
   * than the Chinese the widths were set for; the Chinese layout keeps `width`. */
  widthEn?: number
  minWidth?: number
  sortKey?: SortKey
  /** Can't be hidden. */
  fixed?: boolean
}

export const COLUMNS: readonly ColumnDef[] = [
  { key: 'case_no', label: 'workbench.col.case_no', width: 184, sortKey: 'case_no', fixed: true },
  { key: 'summary', label: 'workbench.col.summary', minWidth: 112, fixed: true },
  { key: 'sla', label: 'workbench.col.sla', width: 144, sortKey: 'due_at' },
  { key: 'risk', label: 'workbench.col.risk', width: 96, widthEn: 112, sortKey: 'risk' },
  { key: 'customer', label: 'workbench.col.customer', width: 80, widthEn: 96 },
  { key: 'channel', label: 'workbench.col.channel', width: 76, widthEn: 100 },
  { key: 'state', label: 'workbench.col.state', width: 136, widthEn: 172, sortKey: 'state' },
  { key: 'severity', label: 'workbench.col.severity', width: 90, widthEn: 108, sortKey: 'severity' },
  { key: 'category', label: 'workbench.col.category', width: 110 },
  { key: 'handler', label: 'workbench.col.handler', width: 96 },
  { key: 'department', label: 'workbench.col.department', width: 116 },
  { key: 'escalation', label: 'workbench.col.escalation', width: 70 },
  { key: 'transfers', label: 'workbench.col.transfers', width: 64 },
  { key: 'received_at', label: 'workbench.col.received_at', width: 104, sortKey: 'received_at' },
  { key: 'updated_at', label: 'workbench.col.updated_at', width: 100, widthEn: 112, sortKey: 'updated_at' },
]

// STYLE-WEB §10: case number, summary, customer, channel, state, severity, SLA remaining, handler,
// updated — plus the risk colour.
export const DEFAULT_COLUMNS: readonly string[] = [
  'case_no',
  'summary',
  'sla',
  'risk',
  'customer',
  'channel',
  'state',
  'severity',
  'handler',
  'updated_at',
]

/** Columns a queue shows or hides whatever the saved choice. In the triage queue the department
 * column carries intake routing's suggestion ("财务部?"), which is what a person there decides
 * on; its handler column would be empty on every row (no department, no handler). */
export const QUEUE_COLUMNS: Readonly<Record<string, { show: readonly string[]; hide: readonly string[] }>> = {
  triage: { show: ['department'], hide: ['handler'] },
}

/** The visible columns of `queue` in table order; unknown keys in saved preferences are ignored. */
export function visibleColumns(saved: readonly string[] | null | undefined, queue?: string): ColumnDef[] {
  const want = new Set(saved && saved.length ? saved : DEFAULT_COLUMNS)
  const forQueue = queue ? QUEUE_COLUMNS[queue] : undefined
  for (const key of forQueue?.show ?? []) want.add(key)
  for (const key of forQueue?.hide ?? []) want.delete(key)
  return COLUMNS.filter((c) => c.fixed || want.has(c.key))
}

/** The width of column `c` in `locale` (undefined: the column takes what is left). */
export function columnWidth(c: ColumnDef, locale: string): number | undefined {
  return locale.startsWith('en') ? (c.widthEn ?? c.width) : c.width
}
