/** Textos en español compartidos por todas las páginas. Same keys as catalog/en/common.ts. */
import type { Catalog } from '../../catalog-types.ts';

export default {
  layout: {
    skip: 'Ir al contenido',
    menu: 'Menú',
    mainNav: 'Principal',
    signOut: 'Cerrar sesión',
    languages: 'Idioma',
  },
  nav: {
    profile: 'Perfil',
    security: 'Seguridad',
    people: 'Personas',
    compliance: 'Cumplimiento de 2FA',
    organization: 'Organización',
    apps: 'Aplicaciones',
    audit: 'Registro de auditoría',
  },
  languageNames: {
    en: 'English',
    es: 'Español',
  },
  roles: {
    owner: 'Propietario',
    admin: 'Administrador',
    staff: 'Personal',
    client: 'Cliente',
  },
  roleNamesPlural: {
    owner: 'Propietarios',
    admin: 'Administradores',
    staff: 'Personal',
    client: 'Clientes',
  },
  methods: {
    totp: 'App de autenticación',
    passkey: 'Llave de acceso',
    phone: 'Mensaje de texto o llamada',
    sms: 'Mensaje de texto',
    voice: 'Llamada telefónica',
    email: 'Código por correo',
    backup_code: 'Código de respaldo',
  },
  actions: {
    cancel: 'Cancelar',
    save: 'Guardar',
    continue: 'Continuar',
    back: 'Volver',
    remove: 'Eliminar',
    confirm: 'Confirmar',
    copy: 'Copiar',
    copied: 'Copiado',
    signIn: 'Iniciar sesión',
  },
  words: {
    never: 'nunca',
    none: 'ninguno',
    yes: 'Sí',
    no: 'No',
    you: 'tú',
    thisBrowser: 'Este navegador',
  },
  count: {
    days_one: '{{count}} día',
    days_many: '{{count}} días',
    days_other: '{{count}} días',
    hours_one: '{{count}} hora',
    hours_many: '{{count}} horas',
    hours_other: '{{count}} horas',
    minutes_one: '{{count}} minuto',
    minutes_many: '{{count}} minutos',
    minutes_other: '{{count}} minutos',
    seconds_one: '{{count}} segundo',
    seconds_many: '{{count}} segundos',
    seconds_other: '{{count}} segundos',
  },
  recoveryBanner: {
    completed:
      '<strong>Tu cuenta se recuperó el {{when}}.</strong> Se quitaron sus métodos de verificación en dos pasos, códigos de respaldo y navegadores de confianza. Si no fuiste tú, cambia tu contraseña ahora y contacta con el administrador.',
    pending:
      '<strong>Alguien inició la recuperación de tu cuenta.</strong> El {{when}} se quitarán tus métodos de verificación en dos pasos. Si no fuiste tú, cancélala y cambia tu contraseña.',
    pendingDelayed:
      '<strong>Alguien inició la recuperación de tu cuenta.</strong> El {{when}} se quitarán tus métodos de verificación en dos pasos (con retraso: desde entonces se restableció la contraseña por correo). Si no fuiste tú, cancélala y cambia tu contraseña.',
    cancel: 'Cancelar la recuperación',
  },
  errorPage: {
    notFoundTitle: 'No encontrada',
    notFoundHeading: 'Página no encontrada',
    failedTitle: 'Algo salió mal',
    failedHeading: 'No pudimos hacerlo',
    code: 'Código de error: {{code}}. Menciónalo si contactas con soporte.',
    home: 'Ir a la página de inicio',
  },
  time: {
    yourTime: '{{time}} (tu hora)',
  },
} satisfies Catalog;
