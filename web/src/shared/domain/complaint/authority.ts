// Mirror of crates/domain/src/authority.rs: a remedy is within a role's authority when, per measure
// kind, the sum of amounts is within that role's limit for the kind (a kind without a limit is
// not allowed). Over it, the lowest-ranked approving role whose limits cover it must approve.
// The server decides; the UI only hints before submitting.

import { fenPerKind, yuanToFen } from './money'

export interface MatrixRole {
  id: number
  code: string
  name: string
  name_en: string
  rank: number
  permissions: readonly { code: string }[]
}
export interface MatrixCell {
  role_id: number
  measure: string
  /** 元; null = not allowed without approval. */
  limit?: number | null
}
export interface Matrix {
  roles: readonly MatrixRole[]
  cells: readonly MatrixCell[]
}

/** measure → limit in fen for one role (kinds without a cell or with a null limit are absent). */
export function limitsOf(matrix: Matrix, roleId: number): Map<string, number> {
  const m = new Map<string, number>()
  for (const c of matrix.cells) {
    if (c.role_id === roleId && c.limit !== null && c.limit !== undefined) m.set(c.measure, yuanToFen(c.limit))
  }
  return m
}

/** Whether limits (fen) cover measures given in 元. */
export function covers(limits: Map<string, number>, measures: readonly { kind: string; amount?: number | null }[]): boolean {
  for (const [kind, sum] of fenPerKind(measures, 'yuan')) {
    const limit = limits.get(kind)
    if (limit === undefined || sum > limit) return false
  }
  return true
}

export type ApprovalHint =
  | { kind: 'within' }
  | { kind: 'approval'; role: MatrixRole }
  | { kind: 'beyond_all' }
  | { kind: 'unknown' }

/** What will happen to this proposal: within the proposer's authority, or who must approve. */
export function approvalHint(
  matrix: Matrix | null | undefined,
  proposerRoleId: number | null | undefined,
  measures: readonly { kind: string; amount?: number | null }[],
): ApprovalHint {
  if (!matrix || proposerRoleId == null || measures.length === 0) return { kind: 'unknown' }
  if (covers(limitsOf(matrix, proposerRoleId), measures)) return { kind: 'within' }
  const approvers = matrix.roles
    .filter((r) => r.permissions.some((p) => p.code === 'remedy.approve'))
    .filter((r) => covers(limitsOf(matrix, r.id), measures))
    .sort((a, b) => a.rank - b.rank)
  return approvers.length ? { kind: 'approval', role: approvers[0] } : { kind: 'beyond_all' }
}
