import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { createConsoleRouter } from './router'
import { createAppI18n } from '@shared/i18n'
import '@shared/styles/base.css'
import './styles/console.css'

const i18n = createAppI18n()
document.documentElement.lang = i18n.global.locale.value
const pinia = createPinia()
const app = createApp(App)
app.use(pinia)
app.use(i18n)
app.use(createConsoleRouter(pinia, i18n))
app.mount('#app')
