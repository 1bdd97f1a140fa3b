/** Templates and languages for notifications: the sandboxed renderer, its defaults and its language packs. */
export * from './renderer.js';
export { DEFAULT_TEMPLATES } from './default-templates.js';
export { registerLanguagePack, languagePack, languagePackSchema, languageCodeSchema, translate, FALLBACK_LANGUAGE, type LanguagePack } from './language-packs.js';
export { notificationView, type NotificationView, type AlertView, type AlertKind, type Pair } from './template-data.js';
