/** Textos en español: errors (src/i18n). Same keys as catalog/en/errors.ts. */
import type { Catalog } from '../../catalog-types.ts';

export default {
  codes: {
    invalid_request: 'La solicitud no es válida.',
    password_rejected: 'No se puede usar esa contraseña.',
    exemption_too_long: 'Una exención puede durar como máximo 90 días.',
    accent_contrast_too_low:
      'Ese color de acento es demasiado claro: el texto blanco sobre él y los enlaces de la página necesitan un contraste de al menos 4.5:1.',
    deadline_too_late: 'Esa fecha límite es posterior a lo que permite una prórroga.',
    invalid_credentials: 'El correo electrónico o la contraseña no son correctos.',
    unauthenticated: 'Necesitas iniciar sesión.',
    invalid_code: 'Ese código no es válido.',
    challenge_expired: 'El inicio de sesión venció. Vuelve a empezar.',
    invalid_token: 'Este enlace no es válido o ya venció.',
    csrf_failed: 'No se pudo verificar la solicitud. Vuelve a cargar la página e inténtalo de nuevo.',
    reauthentication_required: 'Confirma tu contraseña para continuar.',
    forbidden: 'No tienes permiso para hacer eso.',
    method_not_allowed_by_org: 'Tu organización no permite este método de inicio de sesión. Elige otro.',
    authenticator_not_allowed: 'Tu organización no acepta este modelo de llave de acceso o llave de seguridad.',
    two_factor_enrollment_required: 'Configura la verificación en dos pasos para continuar.',
    member_of_other_org:
      'Esta persona también pertenece a una organización donde no puedes administrarla, y esta acción afecta toda su cuenta.',
    account_suspended: 'Esta cuenta está suspendida. Pide a un administrador de tu organización que la reactive.',
    not_found: 'No se encontró.',
    method_not_allowed: 'Método no permitido.',
    conflict: 'Eso entra en conflicto con el estado actual.',
    email_taken: 'Ya existe una cuenta con ese correo electrónico.',
    already_set_up: 'twofold ya está configurado.',
    last_owner: 'Una organización necesita al menos un propietario.',
    break_glass_taken: 'Esta organización ya tiene una cuenta de emergencia.',
    two_factor_required_by_org: 'Tu organización exige la verificación en dos pasos.',
    recovery_unavailable: 'La recuperación de la cuenta no es posible en este momento.',
    logo_type_not_allowed: 'El logotipo debe ser una imagen PNG o JPEG.',
    payload_too_large: 'El cuerpo de la solicitud es demasiado grande.',
    unsupported_media_type: 'Envía JSON con Content-Type: application/json.',
    too_many_attempts: 'Demasiados intentos. Inténtalo más tarde.',
    rate_limited: 'Demasiadas solicitudes. Inténtalo más tarde.',
    internal: 'Algo salió mal de nuestro lado.',
    delivery_failed: 'No pudimos enviar el mensaje. Inténtalo de nuevo o usa otro método.',
    unavailable: 'El servicio no está disponible temporalmente.',
  },
  messages: {
    unknownLocale: 'Elige inglés (en) o español (es).',
    unknownTimeZone: 'Elige una zona horaria de la lista, como America/Chicago.',
    specialCharacters: 'Quita los caracteres especiales de este campo.',
    request: {
      urlInvalid: 'La URL no es válida.',
      jsonEmpty: 'El cuerpo JSON está vacío.',
      jsonInvalid: 'El cuerpo no es JSON válido.',
      unknownField: 'Campo desconocido: "{{field}}".',
      fieldRequired: '"{{field}}" es obligatorio.',
      fieldInvalid: '"{{field}}" no es válido.',
      fieldInvalidBecause: '"{{field}}" no es válido ({{reason}}).',
    },
    service: {
      shuttingDown: 'Esta instancia se está apagando.',
      redisDown: 'Redis no responde.',
      databaseDown: 'La base de datos no responde.',
      metricsToken: 'Envía el token de métricas como token Bearer.',
    },
    csrf: {
      originMismatch: 'Se rechazó una solicitud entre sitios: el encabezado Origin no coincide.',
      originMissing: 'Las solicitudes con una cookie de sesión deben enviar un encabezado Origin.',
    },
    apiKeys: {
      invalid: 'La clave de API no es válida.',
      readOnly: 'Esta clave de API es de solo lectura.',
      otherOrg: 'La clave de API de una organización solo funciona en las rutas de esa organización.',
      nameMissing: 'Ponle un nombre a la clave.',
    },
    accounts: {
      emailInvalid: 'Ingresa un correo electrónico válido.',
      busy: 'Muchas personas están iniciando sesión en este momento. Inténtalo de nuevo en un momento.',
      currentPasswordIncorrect: 'Tu contraseña actual no es correcta.',
    },
    password: {
      tooShort: 'Usa al menos {{min}} caracteres.',
      tooLong: 'Usa como máximo {{max}} caracteres.',
      common: 'Esta contraseña es demasiado común: aparece en las listas que los atacantes prueban primero.',
      containsEmail: 'La contraseña no debe contener tu correo electrónico.',
      containsOrgName: 'La contraseña no debe contener el nombre de la organización.',
    },
    code: {
      expired: 'Ese código venció. Pide uno nuevo.',
      replayed: 'Ese código ya se usó. Espera el siguiente código e inténtalo de nuevo.',
      wait_one: 'Espera {{count}} segundo antes de pedir un código nuevo.',
      wait_many: 'Espera {{count}} segundos antes de pedir un código nuevo.',
      wait_other: 'Espera {{count}} segundos antes de pedir un código nuevo.',
      tooManySent: 'Se enviaron demasiados códigos. Inténtalo más tarde o usa otro método.',
      clockAhead_one:
        'Ese código no es válido. El reloj de tu dispositivo parece estar adelantado unos {{count}} minuto: configúralo para que se actualice automáticamente e inténtalo de nuevo.',
      clockAhead_many:
        'Ese código no es válido. El reloj de tu dispositivo parece estar adelantado unos {{count}} minutos: configúralo para que se actualice automáticamente e inténtalo de nuevo.',
      clockAhead_other:
        'Ese código no es válido. El reloj de tu dispositivo parece estar adelantado unos {{count}} minutos: configúralo para que se actualice automáticamente e inténtalo de nuevo.',
      clockBehind_one:
        'Ese código no es válido. El reloj de tu dispositivo parece estar atrasado unos {{count}} minuto: configúralo para que se actualice automáticamente e inténtalo de nuevo.',
      clockBehind_many:
        'Ese código no es válido. El reloj de tu dispositivo parece estar atrasado unos {{count}} minutos: configúralo para que se actualice automáticamente e inténtalo de nuevo.',
      clockBehind_other:
        'Ese código no es válido. El reloj de tu dispositivo parece estar atrasado unos {{count}} minutos: configúralo para que se actualice automáticamente e inténtalo de nuevo.',
    },
    totp: {
      setupExpired: 'Esta configuración venció. Vuelve a empezar para obtener un código QR nuevo.',
      codeMismatch:
        'Ese código no coincide: revisa la hora de tu teléfono y luego ingresa el código que muestra la app ahora.',
    },
    passkey: {
      nameMissing: 'Ingresa un nombre para la llave de acceso.',
      setupExpired: 'La configuración de esta llave de acceso venció. Vuelve a empezar.',
      duplicate: 'Esta llave de acceso ya está registrada.',
      notVerified: 'No se pudo verificar la llave de acceso. Inténtalo de nuevo.',
      unnamedModel:
        'Tu organización solo acepta ciertas llaves de seguridad, y esta no indicó qué modelo es. Usa una llave que te haya dado tu organización.',
      modelRefused:
        'Tu organización no acepta este modelo de llave de acceso o llave de seguridad. Usa una llave que te haya dado tu organización.',
      unavailable: 'No hay una llave de acceso disponible para este inicio de sesión. Elige otra forma.',
      signInFailed: 'No se pudo verificar esa llave de acceso. Inténtalo de nuevo o elige otra forma.',
      passwordlessFailed:
        'No se pudo verificar esa llave de acceso. Inténtalo de nuevo o inicia sesión con tu contraseña.',
      notUserVerified:
        'Esta llave de acceso no te verificó (sin PIN, huella ni rostro), así que no puede iniciar tu sesión por sí sola. Inicia sesión con tu contraseña.',
      noneRegistered: 'No tienes ninguna llave de acceso.',
    },
    emailCodes: {
      setupExpired: 'Esta configuración venció. Vuelve a empezar para obtener un código nuevo.',
      alreadyOn: 'Los códigos por correo ya están activados en tu cuenta.',
      notOn: 'Los códigos por correo no están activados en esta cuenta. Elige otra forma.',
    },
    phone: {
      setupExpired: 'La configuración de este teléfono venció. Vuelve a empezar para obtener un código nuevo.',
      duplicate: 'Este número ya está en tu cuenta.',
      none: 'Esta cuenta no tiene ningún número de teléfono. Elige otra forma.',
      countryRefused: 'No se pueden enviar códigos a números de teléfono de este país. Elige otro método.',
      deliveryFailed: 'No pudimos enviar el código: inténtalo de nuevo o usa otro método.',
      enterNumber: 'Ingresa un número de teléfono, por ejemplo +1 201 555 0123.',
      invalidNumber: 'Ese número de teléfono no es válido. Revisa los dígitos y el país.',
      chooseCountry: 'Elige el país, o empieza el número con + y el código del país.',
    },
    factors: {
      nameMissing: 'Ingresa un nombre.',
    },
    signIn: {
      emailCodeExpected: 'Ingresa el código que enviamos a tu correo electrónico.',
      askEmailCode: 'Pide un código nuevo por correo.',
      passkeyAlreadyUsed: 'Ya usaste una llave de acceso en lugar de tu contraseña: elige otra forma para este paso.',
    },
    reauthenticate: {
      codeMissing: 'Ingresa también un código de tu segundo factor.',
    },
    twoFactor: {
      requiredByOrgUser_one:
        '{{orgs}} exige la verificación en dos pasos para ti, así que no se puede desactivar. Aún puedes agregar, cambiar o quitar métodos mientras quede uno.',
      requiredByOrgUser_many:
        '{{orgs}} exigen la verificación en dos pasos para ti, así que no se puede desactivar. Aún puedes agregar, cambiar o quitar métodos mientras quede uno.',
      requiredByOrgUser_other:
        '{{orgs}} exigen la verificación en dos pasos para ti, así que no se puede desactivar. Aún puedes agregar, cambiar o quitar métodos mientras quede uno.',
      requiredByOrgLastFactor_one:
        '{{orgs}} exige la verificación en dos pasos para ti, así que no puedes quitar tu último método. Agrega otro método antes de quitar este.',
      requiredByOrgLastFactor_many:
        '{{orgs}} exigen la verificación en dos pasos para ti, así que no puedes quitar tu último método. Agrega otro método antes de quitar este.',
      requiredByOrgLastFactor_other:
        '{{orgs}} exigen la verificación en dos pasos para ti, así que no puedes quitar tu último método. Agrega otro método antes de quitar este.',
      currentCodeMissing: 'Ingresa también un código actual.',
      notOn: 'Primero activa la verificación en dos pasos.',
    },
    checkup: {
      nothingDue: 'No hay ninguna revisión de la verificación en dos pasos que responder ahora.',
      alreadyAnswered: 'La revisión ya se respondió.',
    },
    emailVerification: {
      alreadyConfirmed: 'Tu correo electrónico ya está confirmado.',
    },
    recovery: {
      tooManyLinks: 'Se abrieron demasiados enlaces de recuperación desde tu red. Inténtalo más tarde.',
      unavailable:
        'La recuperación de la cuenta será posible a partir del {{when}}: la contraseña de esta cuenta se restableció por correo hace menos de {{days}} días, y el correo por sí solo no puede además quitar la verificación en dos pasos. Si todavía tienes un código de respaldo u otro método de verificación en dos pasos, úsalo, o pide ayuda a tu administrador.',
      nothingToCancel: 'No hay ninguna recuperación que cancelar.',
    },
    orgs: {
      nameLength: 'El nombre de la organización debe tener entre 2 y 100 caracteres.',
    },
    members: {
      adminsChangeOwners: 'Los administradores no pueden cambiar a los propietarios ni crear propietarios nuevos.',
      adminsRemoveOwners: 'Los administradores no pueden quitar a los propietarios.',
      ownerInvitesOwner: 'Solo un propietario puede invitar a otro propietario.',
      alreadyMember: 'Esa persona ya es miembro.',
      selfSuspend: 'No puedes suspender ni reactivar tu propia cuenta.',
      adminsSuspendOwners: 'Los administradores no pueden suspender ni reactivar a los propietarios.',
      selfReset: 'No puedes restablecer aquí tu propia verificación en dos pasos. Usa tu página de Seguridad.',
      adminsResetOwner: 'Los administradores no pueden restablecer la verificación en dos pasos de un propietario.',
    },
    accountWide: {
      suspend:
        'No puedes suspender esta cuenta: esta persona también pertenece a una organización donde no puedes administrarla, y afectaría toda su cuenta. Pide ayuda a un propietario que la administre en todas partes, o al operador del servidor (twofold reset-2fa).',
      reactivate:
        'No puedes reactivar esta cuenta: esta persona también pertenece a una organización donde no puedes administrarla, y afectaría toda su cuenta. Pide ayuda a un propietario que la administre en todas partes, o al operador del servidor (twofold reset-2fa).',
      resetTwoFactor:
        'No puedes restablecer su verificación en dos pasos: esta persona también pertenece a una organización donde no puedes administrarla, y afectaría toda su cuenta. Pide ayuda a un propietario que la administre en todas partes, o al operador del servidor (twofold reset-2fa).',
    },
    exemptions: {
      selfGrant: 'No puedes concederte una exención a ti mismo. Pídeselo a otro propietario.',
      selfEnd: 'No puedes terminar tu propia exención. Pídeselo a otro propietario.',
      selfExtend: 'No puedes extender tu propia fecha límite. Pídeselo a otro propietario.',
      adminsGrant: 'Los administradores no pueden conceder una exención a un propietario.',
      adminsEnd: 'Los administradores no pueden terminar la exención de un propietario.',
      adminsExtend: 'Los administradores no pueden extender la fecha límite de un propietario.',
      isoTime: 'Indica una fecha y hora en ISO 8601, por ejemplo 2026-12-31T17:00:00Z.',
      reason: 'Indica un motivo (como máximo {{max}} caracteres); se guarda en el registro de auditoría.',
      breakGlassOwnerOnly: 'Solo un propietario puede designar o cambiar la cuenta de emergencia.',
      breakGlassChange: 'Solo un propietario puede cambiar la cuenta de emergencia.',
      breakGlassNoEnd: 'La cuenta de emergencia no tiene fecha de fin: omite expiresAt.',
      endInPast: 'El fin de una exención debe estar en el futuro.',
      tooLong:
        'Una exención puede durar como máximo {{maxDays}} días. Solo la única cuenta de emergencia no tiene fecha de fin.',
      deadlineInPast: 'La nueva fecha límite debe estar en el futuro.',
      deadlineTooLate:
        'Una fecha límite se puede extender como máximo {{maxDays}} días a partir de hoy, el periodo de gracia más largo que puede fijar una organización.',
    },
    policy: {
      emailCodes: 'Tu organización no permite los códigos por correo como método de inicio de sesión. Elige otro.',
      phishingResistant:
        'Tu organización solo acepta llaves de acceso y llaves de seguridad. Inicia sesión con una llave de acceso, o usa un código de respaldo y agrega una llave de acceso en Perfil → Seguridad.',
      saferMethod: 'Permite al menos la app de autenticación o las llaves de acceso.',
    },
    branding: {
      hexColour: 'El color de acento debe ser un color hexadecimal como #1d4ed8.',
      contrast:
        'Ese color de acento tiene un contraste de {{ratio}}:1 con el texto blanco o el fondo de la página; se necesita al menos {{minimum}}:1. Elige un color más oscuro.',
      logoTooLarge: 'El logotipo pesa más de {{kb}} KB.',
    },
    forwardAuth: {
      signIn: 'Inicia sesión para continuar.',
      hostFormat:
        'Ingresa el nombre de host tal como lo ve el proxy, por ejemplo app.example.com o app.example.com:8443.',
      unknownRole: 'Rol desconocido.',
      tooManyHosts: 'Una organización puede proteger como máximo {{max}} hosts.',
      notProtected: 'Este enlace no viene de una app protegida por twofold.',
      hostTaken: 'Ese host ya está protegido por twofold.',
    },
    webhooks: {
      noEvents: 'Elige al menos un evento.',
      unknownEvent: 'Tipo de evento desconocido: {{event}}.',
      tooMany: 'Una organización puede tener como máximo {{max}} endpoints de webhook.',
      secretOverlap: 'Conserva el secreto anterior de 0 a {{max}} horas.',
      disabled: 'Vuelve a activar el endpoint antes de enviarle mensajes otra vez.',
      urlTooLong: 'Usa una URL de como máximo {{max}} caracteres.',
      urlNotFull: 'Ingresa una URL completa, por ejemplo https://example.com/hooks/twofold.',
      urlHttps: 'Las URL de webhook deben usar https.',
      urlCredentials: 'No pongas usuario ni contraseña en la URL: usa el secreto de firma.',
      urlFragment: 'Las URL de webhook no pueden tener un #fragmento.',
      urlPrivate: 'Esa dirección es privada, de loopback o reservada: los webhooks van a direcciones públicas.',
      urlLocalhost: 'Los webhooks van a direcciones públicas, no a localhost.',
    },
    apps: {
      nameMissing: 'Ponle un nombre a la app.',
      redirectUriMissing: 'Agrega al menos una URI de redirección.',
      tooManyUris: 'Como máximo {{max}} direcciones de cada tipo.',
      tooManyApps: 'Una organización puede registrar como máximo {{max}} apps.',
      publicNoSecret: 'Una app pública no tiene secreto.',
      secretOverlap: 'El secreto anterior puede seguir funcionando de 0 a {{max}} horas.',
      uriLength: '{{field}}: cada dirección debe tener entre 1 y {{max}} caracteres.',
      uriNotAbsolute: '{{field}}: "{{value}}" no es una URL absoluta.',
      uriFragment: '{{field}}: una dirección no debe contener un fragmento (#).',
      uriCredentials: '{{field}}: una dirección no debe contener un usuario ni una contraseña.',
      uriHttpLocalhost: '{{field}}: http solo se permite para localhost; usa https.',
      uriScheme:
        '{{field}}: usa https (http solo para localhost; las apps nativas públicas pueden usar un esquema de dominio inverso como com.example.app:/callback).',
      backchannelPrivate:
        '{{field}}: twofold llama a esta dirección desde su servidor, así que debe ser una dirección pública, no localhost ni una red privada.',
    },
  },
} satisfies Catalog;
