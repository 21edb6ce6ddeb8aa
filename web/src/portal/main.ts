// Customer portal entry (mobile-first, no login, no admin chrome, no ECharts). It imports only
// from src/shared, never from src/console. Served by `cloop serve` at /portal/ (portal.html).
import { createApp } from 'vue'
import { createAppI18n } from '@shared/i18n'
import PortalApp from './PortalApp.vue'
import { createPortalRouter } from './router'
import '@shared/styles/base.css'
import './styles/portal.css'

// `vite dev` serves this entry as /portal.html; the app's routes live under /portal/.
if (location.pathname.endsWith('/portal.html')) {
  history.replaceState(history.state, '', `/portal/${location.search}${location.hash}`)
}

const i18n = createAppI18n()
document.documentElement.lang = i18n.global.locale.value
createApp(PortalApp).use(i18n).use(createPortalRouter()).mount('#app')
