/** Textos en español: mail (src/i18n). Same keys as catalog/en/mail.ts. */
import type { Catalog } from '../../catalog-types.ts';

export default {
  notYou: 'Si no fuiste tú, cambia tu contraseña ahora y comunícate con el administrador de tu organización.',
  openRecovery: {
    started:
      'Alguien inició la recuperación de tu cuenta: eliminaría tus métodos de verificación en dos pasos el {{when}}.',
    linkEmailed:
      'Alguien pidió un enlace de recuperación para tu cuenta, que eliminaría tus métodos de verificación en dos pasos.',
    requested:
      'Restablecer tu contraseña no la cancela. Ninguna recuperación puede iniciarse ni completarse durante {{days}} días después de restablecer la contraseña por correo.',
    done: 'No se canceló: después de este restablecimiento ninguna recuperación puede iniciarse ni completarse durante {{days}} días, y después solo si no se cancela.',
    ifNotYou:
      'Si no la iniciaste tú, inicia sesión con uno de tus métodos de verificación en dos pasos (eso la cancela) o usa el enlace de cancelación que te enviamos cuando empezó.',
  },
  emailCode: {
    subject: {
      signIn: 'Tu código para iniciar sesión',
      setup: 'Confirma los códigos por correo de tu cuenta',
      reauthenticate: 'Tu código de confirmación',
      deviceCheck: 'Confirma un inicio de sesión desde un dispositivo nuevo',
    },
    signIn: 'Tu código para iniciar sesión en {{productName}} es {{code}}.',
    setup: 'Tu código para activar los códigos por correo es {{code}}.',
    reauthenticate: 'Tu código de confirmación de {{productName}} es {{code}}.',
    deviceCheck:
      'Alguien está iniciando sesión en tu cuenta desde un dispositivo que no habíamos visto antes: {{browser}}, dirección IP {{ip}}, el {{when}}. Para terminar de iniciar sesión, ingresa este código: {{code}}.',
    deviceCheckUnknown:
      'Alguien está iniciando sesión en tu cuenta desde un dispositivo que no habíamos visto antes. Para terminar de iniciar sesión, ingresa este código: {{code}}.',
    expires:
      'El código funciona una sola vez y vence en {{minutes}} minutos. No lo compartas con nadie: {{productName}} nunca te lo pide por teléfono ni por correo.',
  },
  roles: {
    owner: 'propietario',
    admin: 'administrador',
    staff: 'miembro del personal',
    client: 'cliente',
  },
  invitation: {
    subject: 'Te invitaron a {{orgName}}',
    invited: '{{inviterEmail}} te invitó a unirte a {{orgName}} como {{role}}.',
    expires: 'La invitación funciona una sola vez y vence el {{day}}.',
    link: 'Aceptar la invitación',
  },
  passwordReset: {
    subject: 'Restablece tu contraseña',
    asked: 'Alguien pidió restablecer la contraseña de tu cuenta. El enlace funciona una sola vez, durante una hora.',
    twoFactorStays: 'Restablecer tu contraseña no desactiva la verificación en dos pasos.',
    ignore: 'Si no lo pediste, ignora este correo: tu contraseña seguirá igual.',
    link: 'Elegir una contraseña nueva',
  },
  emailVerification: {
    subject: 'Confirma tu dirección de correo',
    requested:
      'Pediste confirmar la dirección de correo de tu cuenta de {{productName}}. Abre el enlace y presiona el botón.',
    created:
      'Se creó una cuenta en {{productName}} para esta dirección de correo. Abre el enlace y presiona el botón para confirmar que es tuya: las apps en las que inicias sesión pueden pedir una dirección confirmada.',
    expires: 'El enlace funciona una sola vez y vence el {{day}}.',
    unknown: 'Si no reconoces esta cuenta, ignora este correo.',
    link: 'Confirmar tu dirección de correo',
  },
  passwordChanged: {
    subject: 'Se cambió tu contraseña',
    changed: 'Se cambió la contraseña de tu cuenta. Se cerraron las demás sesiones abiertas.',
    reset: 'Se restableció la contraseña de tu cuenta. Se cerraron las demás sesiones abiertas.',
  },
  accountSuspended: {
    subject: 'Se suspendió tu cuenta',
    byOperator:
      'El operador del servidor suspendió tu cuenta: se cerró tu sesión en todas partes, y el inicio de sesión, las claves de API y las apps que inician tu sesión dejan de funcionar hasta que se reactive.',
    byAdmin:
      'Un administrador de tu organización suspendió tu cuenta: se cerró tu sesión en todas partes, y el inicio de sesión, las claves de API y las apps que inician tu sesión dejan de funcionar hasta que se reactive.',
    mistake: 'Si crees que es un error, comunícate con el administrador de tu organización.',
  },
  accountReactivated: {
    subject: 'Se reactivó tu cuenta',
    body: 'Tu cuenta está activa de nuevo: puedes iniciar sesión como antes.',
  },
  passwordLocked: {
    subject: 'Inicio de sesión en pausa tras intentos fallidos',
    body: 'Hubo demasiadas contraseñas incorrectas para tu cuenta, así que el inicio de sesión con contraseña queda en pausa durante {{minutes}} minutos.',
    reset: 'Aún puedes restablecer tu contraseña por correo.',
  },
  factors: {
    totp: 'Una app de autenticación',
    passkey: 'Una llave de acceso',
    backupCodes: 'Códigos de respaldo',
    email: 'Códigos por correo',
    phone: 'Un número de teléfono para códigos',
    other: 'Un método de inicio de sesión',
  },
  factorAdded: {
    subject: 'Se agregó un método de inicio de sesión',
    body: 'Método agregado a tu cuenta como segundo paso para iniciar sesión: {{what}}.',
  },
  phoneChanged: {
    subject: 'Se cambió tu número de teléfono para códigos',
    body: 'Los códigos para iniciar sesión ahora se envían a {{newNumber}} en lugar de {{oldNumber}}.',
  },
  factorRemoved: {
    subject: 'Se eliminó un método de inicio de sesión',
    body: 'Método eliminado de tu cuenta: {{what}}.',
  },
  twoFactorDisabled: {
    subject: 'Se desactivó la verificación en dos pasos',
    body: 'La verificación en dos pasos ahora está desactivada en tu cuenta. Se olvidaron los dispositivos de confianza.',
  },
  webhookDisabled: {
    subject: 'Se desactivó un webhook de {{orgName}}',
    body: 'El endpoint del webhook {{url}} falló en todos los intentos de entrega de sus últimos mensajes durante aproximadamente un día, así que se desactivó.',
    fix: 'Comprueba que el endpoint esté funcionando y responda 2xx, y vuelve a activarlo en Organización → Webhooks; los mensajes fallidos se pueden volver a enviar desde su registro de entregas.',
  },
  twoFactorReset: {
    subject: 'Se restableció tu verificación en dos pasos',
    body: 'Un administrador restableció la verificación en dos pasos de tu cuenta: se eliminaron tus métodos de inicio de sesión, códigos de respaldo y navegadores de confianza, y se cerró tu sesión en todas partes.',
    again: 'Vuelve a iniciar sesión para configurar un método nuevo.',
  },
  pleaseEnable2fa: {
    subject: '{{orgName}} te pide activar la verificación en dos pasos',
    why: '{{orgName}} protege sus cuentas con la verificación en dos pasos: después de tu contraseña, confirmas que eres tú con un código de una app de autenticación en tu teléfono. Así, una contraseña robada no basta para entrar.',
    how: 'Configurarla toma unos dos minutos: abre el enlace, escanea el código QR con una app de autenticación (Google Authenticator, Authy, 1Password, Microsoft Authenticator…) y guarda tus códigos de respaldo.',
    deadline:
      'Configúrala antes del {{day}}: después de esa fecha se te pedirá que la configures antes de poder continuar.',
    link: 'Configurar la verificación en dos pasos',
  },
  backupCodeUsed: {
    subject: 'Se usó un código de respaldo',
    body_one:
      'Se usó un código de respaldo para iniciar sesión en tu cuenta. Te queda {{count}} código de respaldo sin usar.',
    body_many:
      'Se usó un código de respaldo para iniciar sesión en tu cuenta. Te quedan {{count}} códigos de respaldo sin usar.',
    body_other:
      'Se usó un código de respaldo para iniciar sesión en tu cuenta. Te quedan {{count}} códigos de respaldo sin usar.',
    low: 'Te quedan pocos: genera un juego nuevo en Perfil → Seguridad.',
  },
  backupCodesRegenerated: {
    subject: 'Se generaron códigos de respaldo nuevos',
    body: 'Se generó un juego nuevo de códigos de respaldo. Los códigos anteriores ya no funcionan.',
  },
  newSignIn: {
    subject: 'Nuevo inicio de sesión en tu cuenta',
    body: 'Se inició sesión en tu cuenta desde un dispositivo que no habíamos visto antes: {{browser}}, dirección IP {{ip}}, el {{when}}.',
  },
  passkeyCounterRegression: {
    subject: 'Posible llave de acceso clonada',
    body: 'Se rechazó un inicio de sesión con tu llave de acceso "{{label}}": la llave informó un número de usos menor que uno que ya habíamos visto, lo que puede significar que se copió.',
    advice:
      'Si no intentaste iniciar sesión hace un momento, elimina esta llave de acceso en Perfil → Seguridad, agrega una nueva y cambia tu contraseña.',
  },
  secondFactorLocked: {
    subject: 'Verificación en dos pasos en pausa tras intentos fallidos',
    body: 'Hubo demasiados códigos de verificación incorrectos para tu cuenta, así que el segundo paso del inicio de sesión queda en pausa durante {{minutes}} minutos.',
    advice: 'Quien intenta esto ya conoce tu contraseña: cámbiala ahora.',
  },
  recoveryLink: {
    subject: 'Recupera el acceso a tu cuenta',
    asked:
      'Pediste recuperar tu cuenta porque no puedes usar tus métodos de verificación en dos pasos. El enlace funciona una sola vez, durante una hora.',
    delay:
      'Por tu seguridad, la recuperación se completa {{hours}} horas después de que abras el enlace. Avisaremos de inmediato a esta dirección y a tus números de teléfono, para que el verdadero dueño pueda cancelarla.',
    cancel:
      'Hasta que se complete puedes cancelarla: con el enlace de cancelación que enviamos cuando empieza, iniciando sesión con cualquiera de tus métodos de verificación en dos pasos o con "Cancelar recuperación" en cualquier página con la sesión iniciada.',
    ignore: 'Si no lo pediste, ignora este correo y cambia tu contraseña: alguien la conoce.',
    link: 'Iniciar la recuperación de la cuenta',
  },
  recoveryStarted: {
    subject: 'Alguien inició la recuperación de tu cuenta',
    body: 'Se inició la recuperación de la cuenta. El {{when}}, el siguiente inicio de sesión con tu contraseña eliminará tus métodos de verificación en dos pasos.',
    ifNotYou:
      'Si no fuiste tú, cancélala ahora y cambia tu contraseña. Iniciar sesión con uno de tus métodos de verificación en dos pasos también la cancela, igual que "Cancelar recuperación" en cualquier página con la sesión iniciada.',
    link: 'Cancelar la recuperación',
  },
  recoveryCompleted: {
    subject: 'Se recuperó tu cuenta',
    body: 'Se completó la recuperación de la cuenta: se eliminaron tus métodos de verificación en dos pasos, códigos de respaldo y navegadores de confianza, y se cerraron tus demás sesiones.',
    again: 'Vuelve a configurar la verificación en dos pasos en Perfil → Seguridad.',
  },
  phone: {
    smsCode:
      '{{code}} es tu código de verificación de {{productName}}. Vence en {{minutes}} minutos. No lo compartas con nadie.',
    voiceIntro: 'Tu código de verificación de {{productName}} es',
    voiceAgain: 'De nuevo, tu código es',
    recoveryCompleted:
      '{{productName}}: se completó la recuperación de tu cuenta. Se eliminaron sus métodos de verificación en dos pasos, incluido este número. Si no fuiste tú, comunícate ahora con tu administrador.',
    recoveryStartedSms:
      '{{productName}}: alguien inició la recuperación de tu cuenta. Si no se cancela, sus métodos de verificación en dos pasos se eliminan el {{when}}. ¿No fuiste tú? Cancélala: {{cancelUrl}}',
    recoveryStartedVoice:
      'Te habla {{productName}}. Alguien inició la recuperación de tu cuenta. Si no se cancela, sus métodos de verificación en dos pasos se eliminan el {{when}}. Si no fuiste tú, cancélala con el enlace que enviamos por correo y por mensaje de texto, o comunícate con tu administrador.',
  },
  policy: {
    complianceLink: 'Ver el cumplimiento',
    breakGlassSubject: 'Se designó una cuenta de emergencia en {{orgName}}',
    exemptionSubject: 'Una exención de 2FA en {{orgName}}',
    breakGlass:
      '{{memberEmail}} es ahora la cuenta de emergencia de {{orgName}}: exenta de su requisito de verificación en dos pasos sin fecha de fin.',
    exemptUntil:
      '{{memberEmail}} está exento del requisito de verificación en dos pasos de {{orgName}} hasta el {{when}}. Después, el requisito vuelve a aplicarse de inmediato.',
    granted: 'Otorgada por {{byEmail}}. Motivo: {{reason}}',
    endedSubject: 'Se terminó una exención de 2FA en {{orgName}}',
    breakGlassEnded:
      '{{memberEmail}} ya no es la cuenta de emergencia de {{orgName}}; el requisito vuelve a aplicarse, con el plazo habitual.',
    exemptionEnded:
      '{{memberEmail}} ya no está exento del requisito de verificación en dos pasos de {{orgName}}; el requisito vuelve a aplicarse, con el plazo habitual.',
    endedBy: 'Terminada por {{byEmail}}.',
    extendedSubject: 'Se extendió un plazo de 2FA en {{orgName}}',
    extended: '{{memberEmail}} tiene hasta el {{when}} para activar la verificación en dos pasos en {{orgName}}.',
    extendedBy: 'Extendido por {{byEmail}}.',
  },
} satisfies Catalog;
