// Bulk selection on the workbench (ids of the selected complaints).

import { defineStore } from 'pinia'
import { computed, ref } from 'vue'

export const useSelectionStore = defineStore('selection', () => {
  const ids = ref<number[]>([])
  const count = computed(() => ids.value.length)
  function set(list: number[]) {
    ids.value = [...new Set(list)]
  }
  function clear() {
    ids.value = []
  }
  return { ids, count, set, clear }
})
