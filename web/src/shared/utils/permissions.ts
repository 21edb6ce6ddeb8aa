// One `can()` for buttons, menus and routes. The server stays the authority.

export type PermissionRequirement = string | readonly string[] | undefined

/** All listed permissions are held (an empty or missing requirement is always met). */
export function hasAll(held: ReadonlySet<string>, need: PermissionRequirement): boolean {
  if (!need) return true
  const list = typeof need === 'string' ? [need] : need
  return list.every((p) => held.has(p))
}

/** The permissions of `need` that are not held. */
export function missing(held: ReadonlySet<string>, need: PermissionRequirement): string[] {
  if (!need) return []
  const list = typeof need === 'string' ? [need] : need
  return list.filter((p) => !held.has(p))
}
