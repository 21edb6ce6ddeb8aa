// Flat lists with parent ids (org units, categories) → trees for el-tree / el-cascader.

export interface TreeNode<T> {
  id: number
  item: T
  children: TreeNode<T>[]
}

export function buildTree<T extends { id: number; parent_id?: number | null }>(
  items: readonly T[],
  sortKey?: (t: T) => string | number,
): TreeNode<T>[] {
  const nodes = new Map<number, TreeNode<T>>()
  for (const it of items) nodes.set(it.id, { id: it.id, item: it, children: [] })
  const roots: TreeNode<T>[] = []
  for (const it of items) {
    const n = nodes.get(it.id)!
    const parent = it.parent_id != null ? nodes.get(it.parent_id) : undefined
    if (parent) parent.children.push(n)
    else roots.push(n)
  }
  if (sortKey) {
    const sort = (list: TreeNode<T>[]) => {
      list.sort((a, b) => {
        const x = sortKey(a.item)
        const y = sortKey(b.item)
        return x < y ? -1 : x > y ? 1 : 0
      })
      list.forEach((c) => sort(c.children))
    }
    sort(roots)
  }
  return roots
}

/** The ids from the root down to `id` (for cascader values). */
export function pathTo<T extends { id: number; parent_id?: number | null }>(items: readonly T[], id: number): number[] {
  const byId = new Map(items.map((i) => [i.id, i]))
  const path: number[] = []
  let cur = byId.get(id)
  const seen = new Set<number>()
  while (cur && !seen.has(cur.id)) {
    seen.add(cur.id)
    path.unshift(cur.id)
    cur = cur.parent_id != null ? byId.get(cur.parent_id) : undefined
  }
  return path
}
