// ECharts options for the dashboard, built by pure functions (no Vue, no echarts import):
// the view passes labels already translated. Unit-tested.

import type { StateCode } from '@shared/domain/complaint/status'
import { STATES, isOpen } from '@shared/domain/complaint/status'

export const PALETTE = ['#1f5fbf', '#3fa66b', '#e6a23c', '#d9534f', '#7b61c9', '#2bb0c4', '#8d9aab', '#c46ea0', '#5b8c2a', '#b5832c']

const STATE_COLOURS: Record<StateCode, string> = {
  received: '#6290d2',
  invalid: '#a8b1bd',
  assigned: '#1f5fbf',
  investigating: '#194c99',
  pending_approval: '#e6a23c',
  awaiting_customer: '#f0c36d',
  executing: '#2bb0c4',
  resolved: '#3fa66b',
  secondary_review: '#d9534f',
  closed: '#5b8c2a',
  archived: '#8d9aab',
}

const grid = { left: 8, right: 16, top: 24, bottom: 8, containLabel: true }
const tooltip = { trigger: 'axis' as const, axisPointer: { type: 'shadow' as const } }

/** Open complaints per state, in loop order; states with no complaints are left out. */
export function stateBarOption(openByState: Record<string, number>, label: (s: string) => string) {
  const states = STATES.filter((s) => isOpen(s) && (openByState[s] ?? 0) > 0)
  return {
    color: PALETTE,
    tooltip,
    grid,
    xAxis: { type: 'category' as const, data: states.map(label), axisLabel: { interval: 0, rotate: states.length > 6 ? 30 : 0 } },
    yAxis: { type: 'value' as const, minInterval: 1 },
    series: [
      {
        type: 'bar' as const,
        name: 'open',
        barMaxWidth: 36,
        data: states.map((s) => ({ value: openByState[s] ?? 0, itemStyle: { color: STATE_COLOURS[s] } })),
        label: { show: true, position: 'top' as const },
      },
    ],
  }
}

/** Top categories as a ring; the tail beyond `top` is summed as "other". */
export function categoryPieOption(rows: readonly { name: string; count: number }[], otherLabel: string, top = 8, unnamed = '—') {
  const sorted = [...rows].filter((r) => r.count > 0).map((r) => ({ ...r, name: r.name || unnamed })).sort((a, b) => b.count - a.count)
  const head = sorted.slice(0, top)
  const rest = sorted.slice(top).reduce((s, r) => s + r.count, 0)
  const data = head.map((r) => ({ name: r.name, value: r.count }))
  if (rest > 0) data.push({ name: otherLabel, value: rest })
  return {
    color: PALETTE,
    tooltip: { trigger: 'item' as const, formatter: '{b}: {c} ({d}%)' },
    legend: { type: 'scroll' as const, orient: 'vertical' as const, right: 0, top: 'middle' as const },
    series: [
      {
        type: 'pie' as const,
        radius: ['42%', '70%'],
        center: ['36%', '50%'],
        avoidLabelOverlap: true,
        label: { show: false },
        data,
      },
    ],
  }
}

/** A department bar's label: the department, then its company, smaller and grey (names come as
 * "company · department": every company has its own 财务部). One line, as the bars sit close;
 * long names are cut. */
export function departmentLabel(name: string): string {
  // Braces would end ECharts' rich-text span early.
  const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s).replace(/\{/g, '｛').replace(/\}/g, '｝')
  const at = name.lastIndexOf(' · ')
  if (at < 0) return `{d|${cut(name, 12)}}`
  return `{d|${cut(name.slice(at + 3), 12)}} {c|${cut(name.slice(0, at), 14)}}`
}

/** Departments as horizontal bars, largest on top. */
export function departmentBarOption(rows: readonly { name: string; count: number }[], top = 10, unnamed = '—') {
  const sorted = [...rows].map((r) => ({ ...r, name: r.name || unnamed })).sort((a, b) => b.count - a.count).slice(0, top).reverse()
  return {
    color: [PALETTE[0]],
    tooltip,
    grid: { ...grid, right: 32 },
    xAxis: { type: 'value' as const, minInterval: 1 },
    yAxis: {
      type: 'category' as const,
      data: sorted.map((r) => r.name),
      axisLabel: {
        formatter: departmentLabel,
        width: 190,
        overflow: 'truncate' as const,
        rich: { d: { fontSize: 12 }, c: { fontSize: 10, color: '#909399' } },
      },
    },
    series: [{ type: 'bar' as const, barMaxWidth: 18, data: sorted.map((r) => r.count), label: { show: true, position: 'right' as const } }],
  }
}

const ymd = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`

/** `days` consecutive days ending at `end` (YYYY-MM-DD), zero where the server had no row. */
export function fillDays(rows: readonly { day: string; count: number }[], end: string, days = 30): { day: string; count: number }[] {
  const by = new Map(rows.map((r) => [r.day.slice(0, 10), r.count]))
  const [y, m, d] = end.split('-').map(Number)
  const out: { day: string; count: number }[] = []
  for (let i = days - 1; i >= 0; i--) {
    const day = ymd(new Date(y, m - 1, d - i))
    out.push({ day, count: by.get(day) ?? 0 })
  }
  return out
}

export function trendLineOption(rows: readonly { day: string; count: number }[], end: string, seriesName: string, days = 30) {
  const filled = fillDays(rows, end, days)
  return {
    color: [PALETTE[0]],
    tooltip: { trigger: 'axis' as const },
    grid,
    xAxis: { type: 'category' as const, boundaryGap: false, data: filled.map((r) => r.day.slice(5)) },
    yAxis: { type: 'value' as const, minInterval: 1 },
    series: [
      {
        type: 'line' as const,
        name: seriesName,
        smooth: true,
        symbolSize: 5,
        areaStyle: { opacity: 0.12 },
        data: filled.map((r) => r.count),
      },
    ],
  }
}

export function totalOpen(openByState: Record<string, number>): number {
  return Object.entries(openByState)
    .filter(([s]) => isOpen(s))
    .reduce((a, [, n]) => a + (n || 0), 0)
}
