// The stored models on the routing page: which versions can be put back in use, and what
// restoring one will store. Pure.

import type { ModelDto } from '@shared/api/types'

type Versioned = Pick<ModelDto, 'target' | 'version'>

/** The newest version of `target` among `models` (the one every node routes with), if any. */
export function newestVersion(models: readonly Versioned[], target: string): number | null {
  const versions = models.filter((m) => m.target === target).map((m) => m.version)
  return versions.length ? Math.max(...versions) : null
}

/**
 * Whether `m` can be put back in use: any version but the newest of its target. The server
 * decides by the same rule (it answers `model_in_use` otherwise); the list may be stale, so this
 * only hides a button that would be refused.
 */
export function restorable(models: readonly Versioned[], m: Versioned): boolean {
  const newest = newestVersion(models, m.target)
  return newest !== null && m.version < newest
}

/** The version restoring `m` will be stored as. */
export function restoredVersion(models: readonly Versioned[], m: Versioned): number {
  return (newestVersion(models, m.target) ?? 0) + 1
}
