/** Textos en español: auth (src/i18n). Same keys as catalog/en/auth.ts. */
import type { Catalog } from '../../catalog-types.ts';

export default {
  newPasswordHint:
    'Al menos {{min}} caracteres. Unas cuantas palabras sin relación entre sí forman una contraseña segura y fácil de recordar; las contraseñas muy comunes no se aceptan.',
  setup: {
    title: 'Configuración',
    heading: 'Te damos la bienvenida a {{product}}',
    lead: 'Crea tu organización y la cuenta del propietario. Justo después podrás invitar a tu equipo.',
    orgName: 'Nombre de la organización',
    orgNameHint: 'Por ejemplo, el nombre de tu clínica o de tu equipo. Aparece en las invitaciones.',
    name: 'Tu nombre',
    email: 'Tu correo electrónico',
    password: 'Elige una contraseña',
    submit: 'Crear organización',
  },
  signIn: {
    title: 'Iniciar sesión',
    heading: 'Iniciar sesión',
    email: 'Correo electrónico',
    password: 'Contraseña',
    rememberMe: 'Recordarme',
    rememberMeHint_one:
      'Mantén la sesión iniciada en este dispositivo durante {{count}} día. No marques esta casilla en una computadora compartida.',
    rememberMeHint_many:
      'Mantén la sesión iniciada en este dispositivo durante {{count}} días. No marques esta casilla en una computadora compartida.',
    rememberMeHint_other:
      'Mantén la sesión iniciada en este dispositivo durante {{count}} días. No marques esta casilla en una computadora compartida.',
    submit: 'Iniciar sesión',
    forgot: '¿Olvidaste tu contraseña?',
    done: {
      signed_out: 'Cerraste sesión.',
      signed_out_everywhere: 'Cerraste sesión en todos los dispositivos.',
      invitation_accepted:
        'Invitación aceptada. Inicia sesión con tu correo electrónico y tu contraseña para continuar.',
      password_reset: 'Contraseña cambiada: inicia sesión con tu nueva contraseña.',
    },
    errors: {
      challenge_expired: 'Tu inicio de sesión caducó antes de terminar. Vuelve a iniciar sesión.',
    },
  },
  challenge: {
    title: 'Verificación en dos pasos',
    deviceTitle: 'Confirma un dispositivo nuevo',
    deviceHeading: 'Confirma que eres tú: un dispositivo nuevo',
    signingInAs: 'Iniciando sesión como <strong>{{email}}</strong>',
    deviceIntro:
      'No reconocemos este navegador, así que te enviamos un código por correo electrónico para terminar de iniciar sesión.',
    trustDevice_one: 'Confiar en este dispositivo durante {{count}} día',
    trustDevice_many: 'Confiar en este dispositivo durante {{count}} días',
    trustDevice_other: 'Confiar en este dispositivo durante {{count}} días',
    trustHint:
      'Hasta entonces no te pediremos un código en este navegador. No marques esta casilla en una computadora compartida.',
    verify: 'Verificar',
    otherWays: 'Prueba de otra forma',
    lostDevice: '¿No tienes acceso a tu dispositivo?',
    startAgain: 'Cancelar y empezar de nuevo',
    attemptsLeft_one: '{{message}} Te queda {{count}} intento.',
    attemptsLeft_many: '{{message}} Te quedan {{count}} intentos.',
    attemptsLeft_other: '{{message}} Te quedan {{count}} intentos.',
  },
  checkup: {
    title: 'Revisión de la verificación en dos pasos',
    heading: 'Una revisión rápida de tu verificación en dos pasos',
    intro:
      'Activaste la verificación en dos pasos hace cuatro semanas. Asegurémonos de que puedas entrar aunque pierdas tu teléfono.',
    stepFresh: 'Tu método de inicio de sesión funciona: acabas de usarlo para iniciar sesión.',
    stepConfirm:
      'Confirma que eres tú con tu método habitual de inicio de sesión (te lo pedimos cuando presiones Listo).',
    stepCodes:
      'Comprueba que todavía tienes tus códigos de respaldo: en tu administrador de contraseñas, impresos o descargados. Si no los encuentras, obtén unos nuevos ahora.',
    haveCodes: 'Todavía tengo mis códigos de respaldo',
    done: 'Listo',
    newCodes: 'Listo: dame códigos de respaldo nuevos',
    skip: 'Omitir por ahora',
    skipLast: 'Omitir (no volveremos a preguntar)',
    skipHint: 'Si lo omites, te lo preguntaremos de nuevo la próxima vez que inicies sesión.',
    continue: 'Continuar',
  },
  confirm: {
    title: 'Confirma que eres tú',
    heading: 'Confirma que eres tú',
    intro: 'Por tu seguridad, escribe tu contraseña para <strong>{{action}}</strong>.',
    introTwoFactor: 'Por tu seguridad, escribe tu contraseña y usa tu segundo factor para <strong>{{action}}</strong>.',
    password: 'Contraseña',
    submit: 'Confirmar',
    cancel: 'Cancelar',
    forgot: '¿Olvidaste tu contraseña?',
    actions: {
      totp: 'configurar una app de autenticación',
      passkey: 'agregar una llave de acceso',
      phone: 'agregar o cambiar un número de teléfono',
      removeFactor: 'quitar un método de inicio de sesión',
      backupCodes: 'generar códigos de respaldo nuevos',
      password: 'cambiar tu contraseña',
      apiKeys: 'administrar tus claves de API',
      orgSecurity: 'cambiar la política de seguridad de tu organización',
      memberReset: 'restablecer la verificación en dos pasos de un miembro',
      memberSuspension: 'suspender o restaurar la cuenta de un miembro',
      memberRemove: 'quitar a un miembro',
      memberRole: 'cambiar el rol de un miembro',
      orgApiKeys: 'administrar las claves de API de tu organización',
      orgApps: 'administrar las aplicaciones de tu organización',
      forwardAuth: 'administrar los hosts protegidos',
      import: 'importar miembros',
      branding: 'cambiar la imagen de marca de tu organización',
      other: 'cambiar la configuración de seguridad',
    },
  },
  recovery: {
    lostDevice: '¿No tienes acceso a tu dispositivo?',
    useBackupCode:
      'Si todavía tienes un código de respaldo, <a href="/sign-in/challenge?method=backup_code">úsalo en su lugar</a>.',
    back: 'Volver',
    emailMe: 'Envíame un enlace de recuperación',
    askAdminTitle: 'Pídeselo a tu administrador',
    askAdmin:
      '{{orgs}} se encarga por su cuenta de los dispositivos de verificación en dos pasos perdidos. Comunícate con tu administrador: puede restablecer tu verificación en dos pasos después de comprobar que eres tú. Ya le avisamos de tu solicitud.',
    tooManyRequests: 'Demasiadas solicitudes de recuperación. Inténtalo de nuevo más tarde.',
    tryAgainLater: 'Inténtalo de nuevo más tarde.',
    tryAgainIn_one: '{{message}} Inténtalo de nuevo en {{count}} minuto.',
    tryAgainIn_many: '{{message}} Inténtalo de nuevo en {{count}} minutos.',
    tryAgainIn_other: '{{message}} Inténtalo de nuevo en {{count}} minutos.',
    checkEmailTitle: 'Revisa tu correo electrónico',
    startTitle: 'Iniciar la recuperación de la cuenta',
    start: 'Iniciar la recuperación',
    startedTitle: 'Recuperación iniciada',
    cancelTitle: 'Cancelar la recuperación de la cuenta',
    cancelIntro: 'Si no iniciaste esta recuperación, cancélala y cambia tu contraseña: alguien la conoce.',
    cancel: 'Cancelar la recuperación',
    alreadyOver: 'Esta recuperación ya se canceló, se completó o fue reemplazada.',
    cancelledTitle: 'Recuperación cancelada',
    cancelled:
      'La recuperación se canceló: nada cambia en tu cuenta. Si no la iniciaste tú, cambia tu contraseña ahora.',
    howToCancel: {
      heading: 'Cómo cancelarla',
      email:
        'Abre el enlace para cancelar del correo “Alguien inició la recuperación de tu cuenta” (también enviado por mensaje de texto a los números de teléfono de la cuenta).',
      signIn:
        'O inicia sesión con cualquiera de tus métodos de verificación en dos pasos: eso la cancela de inmediato.',
      banner:
        'O, con la sesión iniciada, presiona <strong>Cancelar la recuperación</strong> en la parte superior de cualquier página.',
    },
    requestIntro:
      'Si perdiste tu teléfono, tu app de autenticación y tus códigos de respaldo, puedes recuperar tu cuenta por correo electrónico.',
    requestDelay_one:
      'Por tu seguridad, esto tarda <strong>{{count}} hora</strong>: te enviamos un enlace por correo electrónico y, cuando lo abras, tus métodos de verificación en dos pasos se quitan {{count}} hora después, la próxima vez que inicies sesión (si lo abres ahora, sería el {{when}}). Avisamos de inmediato a tu correo electrónico y a tus números de teléfono para que el verdadero titular pueda cancelarla. Si todavía tienes un código de respaldo, <a href="/sign-in/challenge?method=backup_code">úsalo en su lugar</a>.',
    requestDelay_many:
      'Por tu seguridad, esto tarda <strong>{{count}} horas</strong>: te enviamos un enlace por correo electrónico y, cuando lo abras, tus métodos de verificación en dos pasos se quitan {{count}} horas después, la próxima vez que inicies sesión (si lo abres ahora, sería el {{when}}). Avisamos de inmediato a tu correo electrónico y a tus números de teléfono para que el verdadero titular pueda cancelarla. Si todavía tienes un código de respaldo, <a href="/sign-in/challenge?method=backup_code">úsalo en su lugar</a>.',
    requestDelay_other:
      'Por tu seguridad, esto tarda <strong>{{count}} horas</strong>: te enviamos un enlace por correo electrónico y, cuando lo abras, tus métodos de verificación en dos pasos se quitan {{count}} horas después, la próxima vez que inicies sesión (si lo abres ahora, sería el {{when}}). Avisamos de inmediato a tu correo electrónico y a tus números de teléfono para que el verdadero titular pueda cancelarla. Si todavía tienes un código de respaldo, <a href="/sign-in/challenge?method=backup_code">úsalo en su lugar</a>.',
    linkSent: 'Te enviamos un enlace de recuperación a tu correo electrónico. Funciona una sola vez, durante una hora.',
    linkSentNext_one:
      'Cuando lo abras, empieza la recuperación: tus métodos de verificación en dos pasos se quitan {{count}} hora después, la próxima vez que inicies sesión con tu contraseña. La página que se abre muestra la fecha y la hora exactas.',
    linkSentNext_many:
      'Cuando lo abras, empieza la recuperación: tus métodos de verificación en dos pasos se quitan {{count}} horas después, la próxima vez que inicies sesión con tu contraseña. La página que se abre muestra la fecha y la hora exactas.',
    linkSentNext_other:
      'Cuando lo abras, empieza la recuperación: tus métodos de verificación en dos pasos se quitan {{count}} horas después, la próxima vez que inicies sesión con tu contraseña. La página que se abre muestra la fecha y la hora exactas.',
    pending:
      'Ya hay una recuperación de esta cuenta en curso: se completa el <strong>{{when}}</strong>. Inicia sesión con tu contraseña después de ese momento.',
    pendingDelayed:
      'Ya hay una recuperación de esta cuenta en curso: se completa el <strong>{{when}}</strong> (más tarde de lo previsto: la contraseña se restableció por correo electrónico después de que empezó). Inicia sesión con tu contraseña después de ese momento.',
    confirmIntro_one:
      'Al iniciar la recuperación, tus métodos de verificación en dos pasos se quitan después de {{count}} hora, la próxima vez que inicies sesión con tu contraseña: si la inicias ahora, el <strong>{{when}}</strong>. Te enviaremos por correo electrónico (y por mensaje de texto a tus números de teléfono) una forma de cancelarla.',
    confirmIntro_many:
      'Al iniciar la recuperación, tus métodos de verificación en dos pasos se quitan después de {{count}} horas, la próxima vez que inicies sesión con tu contraseña: si la inicias ahora, el <strong>{{when}}</strong>. Te enviaremos por correo electrónico (y por mensaje de texto a tus números de teléfono) una forma de cancelarla.',
    confirmIntro_other:
      'Al iniciar la recuperación, tus métodos de verificación en dos pasos se quitan después de {{count}} horas, la próxima vez que inicies sesión con tu contraseña: si la inicias ahora, el <strong>{{when}}</strong>. Te enviaremos por correo electrónico (y por mensaje de texto a tus números de teléfono) una forma de cancelarla.',
    started_one: '<strong>La recuperación se completa en {{count}} hora ({{when}}).</strong>',
    started_many: '<strong>La recuperación se completa en {{count}} horas ({{when}}).</strong>',
    started_other: '<strong>La recuperación se completa en {{count}} horas ({{when}}).</strong>',
    nextHeading: 'Qué pasa ahora',
    nextEmailed:
      'Te enviamos un correo electrónico (y un mensaje de texto a tus números de teléfono) sobre esta recuperación, con un enlace para cancelarla.',
    nextSignIn:
      'Pasado ese momento, inicia sesión con tu correo electrónico y tu contraseña: en ese momento se quitan tus métodos de verificación en dos pasos, tus códigos de respaldo y tus navegadores de confianza, y quedas con la sesión iniciada.',
    nextSetUp: 'Vuelve a configurar la verificación en dos pasos de inmediato y guarda tus nuevos códigos de respaldo.',
    notYou:
      'Si no iniciaste esto tú, cancélalo y cambia tu contraseña: alguien la conoce y puede leer tu correo electrónico.',
    backToSignIn: 'Volver a iniciar sesión',
  },
  errors: {
    tickBackupCodes: 'Marca "Todavía tengo mis códigos de respaldo" o elige "Listo: dame códigos de respaldo nuevos".',
  },
} satisfies Catalog;
