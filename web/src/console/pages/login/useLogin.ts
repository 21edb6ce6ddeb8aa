import { computed, reactive, ref, useTemplateRef } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { useI18n } from 'vue-i18n'
import type { FormInstance } from 'element-plus'
import { useSessionStore } from '../../stores/session'
import { toApiError } from '@shared/composables/useAsync'
import { useServerErrors } from '../../composables/forms'
import { loginRules } from './rules'

export function useLogin() {
  const { t } = useI18n()
  const route = useRoute()
  const router = useRouter()
  const session = useSessionStore()
  const formRef = useTemplateRef<FormInstance>('formEl')
  const form = reactive({ username: '', password: '' })
  const rules = computed(() => loginRules(t))
  const submitting = ref(false)
  const formError = ref('')
  const { errors, apply, clear } = useServerErrors()
  const expired = computed(() => route.query.expired === '1')

  async function submit() {
    formError.value = ''
    clear()
    if (!(await formRef.value?.validate().catch(() => false))) return
    submitting.value = true
    try {
      await session.login(form.username.trim(), form.password)
      const redirect = typeof route.query.redirect === 'string' && route.query.redirect.startsWith('/') ? route.query.redirect : '/'
      await router.replace(redirect)
    } catch (e) {
      const err = toApiError(e)
      if (!(await apply(err))) formError.value = err.message
      form.password = ''
    } finally {
      submitting.value = false
    }
  }

  return { form, rules, submitting, formError, errors, expired, submit }
}
