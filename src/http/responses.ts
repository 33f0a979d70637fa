/**
 * What each /api/v1 route answers: its success bodies (by status; null for no content) and the error codes
 * it may answer beyond the ones every route may (src/http/openapi.ts adds those by kind of route). Attached
 * to the routes at registration (src/http/openapi.ts), so Fastify's serializer and the OpenAPI document read
 * the same schema; a route may declare its own `schema.response` instead.
 *
 * The schemas are lenient on purpose: objects allow properties they do not list (`additionalProperties`),
 * so a field added to an answer is never dropped on the way out; the serializer is plain JSON (src/app.ts),
 * which neither drops nor coerces. Drift is caught by test/http/openapi-replay.test.ts, which replays the
 * main flows and checks every real answer against the document.
 */
import type { ErrorCode } from '../errors.ts';
import type { JsonSchema } from './schema.ts';

export interface RouteContract {
  /** Success answers by status; null: no content. */
  readonly responses: Readonly<Record<number, JsonSchema | null>>;
  /** Error codes beyond invalid_request, rate_limited, unavailable (and the body and sign-in ones). */
  readonly errors: readonly ErrorCode[];
}

/** `GET` and `PATCH /api/v1/me`: the account, its session, orgs and 2FA requirement. */
const ME_ANSWER = {
  type: 'object',
  properties: {
    user: {
      type: 'object',
      properties: {
        id: {
          type: 'string',
        },
        email: {
          type: 'string',
        },
        name: {
          type: 'string',
        },
        twoFactorEnabled: {
          type: 'boolean',
        },
        locale: {
          type: ['string', 'null'],
          enum: ['en', 'es', null],
        },
        timeZone: {
          type: ['string', 'null'],
        },
      },
      required: ['id', 'email', 'name', 'twoFactorEnabled', 'locale', 'timeZone'],
      additionalProperties: true,
    },
    session: {
      type: 'object',
      properties: {
        id: {
          type: 'string',
        },
        amr: {
          type: 'array',
          items: {
            type: 'string',
          },
        },
        kind: {
          type: 'string',
        },
        createdAt: {
          type: 'string',
        },
        expiresAt: {
          type: 'string',
        },
        reauthenticatedAt: {
          type: ['null', 'string'],
        },
      },
      required: ['id', 'amr', 'kind', 'createdAt', 'expiresAt', 'reauthenticatedAt'],
      additionalProperties: true,
    },
    amr: {
      type: 'array',
      items: {
        type: 'string',
      },
    },
    orgs: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: {
            type: 'string',
          },
          name: {
            type: 'string',
          },
          role: {
            type: 'string',
          },
        },
        required: ['id', 'name', 'role'],
        additionalProperties: true,
      },
    },
    enrollmentRequired: {
      type: 'boolean',
    },
    recovery: {
      type: ['string', 'null'],
    },
    twoFactorRequirement: {
      type: 'object',
      properties: {
        required: {
          type: 'boolean',
        },
        deadline: {
          type: ['string', 'null'],
        },
        daysLeft: {
          type: ['string', 'null'],
        },
        overdue: {
          type: 'boolean',
        },
        orgs: {
          type: 'array',
          items: {},
        },
      },
      required: ['required', 'deadline', 'daysLeft', 'overdue', 'orgs'],
      additionalProperties: true,
    },
  },
  required: ['user', 'session', 'amr', 'orgs', 'enrollmentRequired', 'recovery', 'twoFactorRequirement'],
  additionalProperties: true,
};

export const API_CONTRACTS: Readonly<Record<string, RouteContract>> = {
  'DELETE /api/v1/me/sessions': {
    responses: {
      '200': {
        type: 'object',
        properties: { revoked: { type: 'integer' }, keptCurrent: { type: 'boolean' } },
        required: ['revoked', 'keptCurrent'],
        additionalProperties: true,
      },
    },
    errors: ['two_factor_enrollment_required'],
  },
  'GET /api/v1/me/onboarding': {
    responses: {
      '200': {
        type: 'object',
        properties: { onboarding: { anyOf: [{ type: 'object', additionalProperties: true }, { type: 'null' }] } },
        required: ['onboarding'],
        additionalProperties: true,
      },
    },
    errors: ['two_factor_enrollment_required'],
  },
  'POST /api/v1/me/onboarding/dismiss': {
    responses: {
      '200': {
        type: 'object',
        properties: { onboarding: { type: 'null' } },
        required: ['onboarding'],
        additionalProperties: true,
      },
    },
    errors: ['two_factor_enrollment_required'],
  },
  'POST /api/v1/me/factors/email': {
    responses: {
      '202': {
        type: 'object',
        properties: { enrollmentId: { type: 'string' } },
        required: ['enrollmentId'],
        additionalProperties: true,
      },
    },
    errors: ['reauthentication_required', 'method_not_allowed_by_org', 'conflict'],
  },
  'POST /api/v1/me/factors/email/confirm': {
    responses: {
      '200': {
        type: 'object',
        properties: { factor: { type: 'object', additionalProperties: true }, backupCodes: {} },
        required: ['factor'],
        additionalProperties: true,
      },
    },
    errors: [
      'invalid_code',
      'challenge_expired',
      'too_many_attempts',
      'reauthentication_required',
      'method_not_allowed_by_org',
    ],
  },
  'GET /api/v1/orgs/:orgId/compliance.csv': {
    responses: { '200': { type: 'string', description: 'text/csv' } },
    errors: ['forbidden', 'not_found', 'two_factor_enrollment_required'],
  },
  'PUT /api/v1/orgs/:orgId/members/:userId/exemption': {
    responses: {
      '200': {
        type: 'object',
        properties: { exemption: { type: 'object', additionalProperties: true } },
        required: ['exemption'],
        additionalProperties: true,
      },
    },
    errors: [
      'forbidden',
      'not_found',
      'reauthentication_required',
      'exemption_too_long',
      'break_glass_taken',
      'two_factor_enrollment_required',
    ],
  },
  'DELETE /api/v1/orgs/:orgId/members/:userId/exemption': {
    responses: { '200': { type: 'object', additionalProperties: true } },
    errors: ['forbidden', 'not_found', 'reauthentication_required', 'two_factor_enrollment_required'],
  },
  'PUT /api/v1/orgs/:orgId/members/:userId/deadline': {
    responses: { '200': { type: 'object', additionalProperties: true } },
    errors: [
      'forbidden',
      'not_found',
      'reauthentication_required',
      'deadline_too_late',
      'two_factor_enrollment_required',
    ],
  },
  'POST /api/v1/me/checkup': {
    responses: { '200': { type: 'object', additionalProperties: true } },
    errors: ['reauthentication_required', 'conflict', 'two_factor_enrollment_required'],
  },
  'DELETE /api/v1/me/factors/:id': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          twoFactorOff: {
            type: 'boolean',
          },
          twoFactorEnabled: {
            type: 'boolean',
          },
          factors: {
            type: 'array',
            items: {},
          },
          backupCodesLeft: {
            type: 'integer',
          },
          backupCodesLow: {
            type: 'boolean',
          },
        },
        required: ['twoFactorOff', 'twoFactorEnabled', 'factors', 'backupCodesLeft', 'backupCodesLow'],
        additionalProperties: true,
      },
    },
    errors: ['two_factor_enrollment_required', 'two_factor_required_by_org'],
  },
  'DELETE /api/v1/me/sessions/:id': {
    responses: {
      '204': null,
    },
    errors: ['two_factor_enrollment_required'],
  },
  'DELETE /api/v1/me/trusted-devices/:id': {
    responses: {
      '204': null,
    },
    errors: ['two_factor_enrollment_required'],
  },
  'DELETE /api/v1/orgs/:orgId/api-keys/:id': {
    responses: {
      '204': null,
    },
    errors: ['two_factor_enrollment_required'],
  },
  'DELETE /api/v1/orgs/:orgId/forward-auth-hosts/:hostId': {
    responses: {
      '204': null,
    },
    errors: ['two_factor_enrollment_required'],
  },
  'DELETE /api/v1/orgs/:orgId/invitations/:invitationId': {
    responses: {
      '204': null,
    },
    errors: ['not_found', 'two_factor_enrollment_required'],
  },
  'DELETE /api/v1/orgs/:orgId/members/:userId': {
    responses: {
      '204': null,
    },
    errors: ['forbidden', 'last_owner', 'two_factor_enrollment_required'],
  },
  'DELETE /api/v1/orgs/:orgId/oidc-clients/:clientId': {
    responses: {
      '204': null,
    },
    errors: ['two_factor_enrollment_required'],
  },
  'DELETE /api/v1/orgs/:orgId/webhooks/:webhookId': {
    responses: {
      '204': null,
    },
    errors: ['two_factor_enrollment_required'],
  },
  'DELETE /api/v1/session': {
    responses: {
      '204': null,
    },
    errors: [],
  },
  'GET /api/v1/forward-auth': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          status: {
            type: 'string',
          },
        },
        required: ['status'],
        additionalProperties: true,
      },
      '302': {
        type: 'object',
        properties: {
          error: {
            type: 'object',
            properties: {
              code: {
                type: 'string',
              },
              message: {
                type: 'string',
              },
            },
            required: ['code', 'message'],
            additionalProperties: true,
          },
        },
        required: ['error'],
        additionalProperties: true,
      },
    },
    errors: ['unauthenticated'],
  },
  'GET /api/v1/me': {
    responses: { '200': ME_ANSWER },
    errors: ['account_suspended', 'two_factor_enrollment_required', 'unauthenticated'],
  },
  'PATCH /api/v1/me': {
    responses: { '200': ME_ANSWER },
    errors: ['account_suspended', 'invalid_request', 'two_factor_enrollment_required', 'unauthenticated'],
  },
  'GET /api/v1/me/api-keys': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          apiKeys: {
            type: 'array',
            items: {},
          },
        },
        required: ['apiKeys'],
        additionalProperties: true,
      },
    },
    errors: ['two_factor_enrollment_required'],
  },
  'GET /api/v1/me/apps': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          apps: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                clientId: {
                  type: 'string',
                },
                name: {
                  type: 'string',
                },
                orgName: {
                  type: 'string',
                },
                scopes: {
                  type: 'array',
                  items: {
                    type: 'string',
                  },
                },
                allowedAt: {
                  type: 'string',
                },
              },
              required: ['clientId', 'name', 'orgName', 'scopes', 'allowedAt'],
              additionalProperties: true,
            },
          },
        },
        required: ['apps'],
        additionalProperties: true,
      },
    },
    errors: ['two_factor_enrollment_required'],
  },
  'GET /api/v1/me/audit': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          events: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: {
                  type: 'string',
                },
                at: {
                  type: 'string',
                },
                event: {
                  type: 'string',
                },
                actorUserId: {
                  type: ['string', 'null'],
                },
                actorEmail: {
                  type: ['string', 'null'],
                },
                targetUserId: {
                  type: 'string',
                },
                targetEmail: {
                  type: 'string',
                },
                orgId: {
                  type: ['string', 'null'],
                },
                ip: {
                  type: 'string',
                },
                userAgent: {
                  type: 'string',
                },
                details: {
                  type: 'object',
                  properties: {
                    from: {
                      type: 'string',
                    },
                    to: {
                      type: 'string',
                    },
                    amr: {
                      type: 'string',
                    },
                    via: {
                      type: 'string',
                    },
                    role: {
                      type: 'string',
                    },
                    type: {
                      type: 'string',
                    },
                    label: {
                      type: 'string',
                    },
                    firstMethod: {
                      type: 'string',
                    },
                    reason: {
                      type: 'string',
                    },
                    failures: {
                      type: 'integer',
                    },
                  },
                  additionalProperties: true,
                },
              },
              required: [
                'id',
                'at',
                'event',
                'actorUserId',
                'actorEmail',
                'targetUserId',
                'targetEmail',
                'orgId',
                'ip',
                'userAgent',
                'details',
              ],
              additionalProperties: true,
            },
          },
          nextCursor: {
            type: ['string', 'null'],
          },
        },
        required: ['events', 'nextCursor'],
        additionalProperties: true,
      },
    },
    errors: ['two_factor_enrollment_required'],
  },
  'GET /api/v1/me/factors': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          twoFactorEnabled: {
            type: 'boolean',
          },
          factors: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: {
                  type: 'string',
                },
                label: {
                  type: 'string',
                },
                createdAt: {
                  type: 'string',
                },
                lastUsedAt: {
                  type: ['null', 'string'],
                },
                methods: {
                  type: 'array',
                  items: {
                    type: 'string',
                  },
                },
                passkey: {
                  type: 'object',
                  properties: {
                    deviceType: {
                      type: 'string',
                    },
                    backedUp: {
                      type: 'boolean',
                    },
                  },
                  required: ['deviceType', 'backedUp'],
                  additionalProperties: true,
                },
                type: {
                  type: 'string',
                },
                isDefault: {
                  type: 'boolean',
                },
              },
              required: ['id', 'label', 'createdAt', 'lastUsedAt', 'methods', 'type', 'isDefault'],
              additionalProperties: true,
            },
          },
          backupCodesLeft: {
            type: 'integer',
          },
          backupCodesLow: {
            type: 'boolean',
          },
        },
        required: ['twoFactorEnabled', 'factors', 'backupCodesLeft', 'backupCodesLow'],
        additionalProperties: true,
      },
    },
    errors: ['unauthenticated'],
  },
  'GET /api/v1/me/recovery': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          pending: {
            type: ['null', 'object'],
            properties: {
              id: {
                type: 'string',
              },
              startedAt: {
                type: 'string',
              },
              completesAt: {
                type: 'string',
              },
              delayedByPasswordReset: {
                type: 'boolean',
              },
            },
            required: ['id', 'startedAt', 'completesAt', 'delayedByPasswordReset'],
            additionalProperties: true,
          },
        },
        required: ['pending'],
        additionalProperties: true,
      },
    },
    errors: ['two_factor_enrollment_required'],
  },
  'GET /api/v1/me/sessions': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          sessions: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: {
                  type: 'string',
                },
                createdAt: {
                  type: 'string',
                },
                lastSeenAt: {
                  type: 'string',
                },
                expiresAt: {
                  type: 'string',
                },
                ip: {
                  type: 'string',
                },
                userAgent: {
                  type: 'string',
                },
                amr: {
                  type: 'array',
                  items: {
                    type: 'string',
                  },
                },
                current: {
                  type: 'boolean',
                },
              },
              required: ['id', 'createdAt', 'lastSeenAt', 'expiresAt', 'ip', 'userAgent', 'amr', 'current'],
              additionalProperties: true,
            },
          },
        },
        required: ['sessions'],
        additionalProperties: true,
      },
    },
    errors: ['forbidden', 'two_factor_enrollment_required', 'unauthenticated'],
  },
  'GET /api/v1/me/trusted-devices': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          devices: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: {
                  type: 'string',
                },
                browser: {
                  type: 'string',
                },
                userAgent: {
                  type: 'string',
                },
                ip: {
                  type: 'string',
                },
                createdAt: {
                  type: 'string',
                },
                lastUsedAt: {
                  type: 'string',
                },
                expiresAt: {
                  type: 'string',
                },
              },
              required: ['id', 'browser', 'userAgent', 'ip', 'createdAt', 'lastUsedAt', 'expiresAt'],
              additionalProperties: true,
            },
          },
        },
        required: ['devices'],
        additionalProperties: true,
      },
    },
    errors: ['two_factor_enrollment_required'],
  },
  'GET /api/v1/orgs': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          orgs: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: {
                  type: 'string',
                },
                name: {
                  type: 'string',
                },
                role: {
                  type: 'string',
                },
              },
              required: ['id', 'name', 'role'],
              additionalProperties: true,
            },
          },
        },
        required: ['orgs'],
        additionalProperties: true,
      },
    },
    errors: ['two_factor_enrollment_required', 'unauthenticated'],
  },
  'GET /api/v1/orgs/:orgId/api-keys': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          apiKeys: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: {
                  type: 'string',
                },
                name: {
                  type: 'string',
                },
                prefix: {
                  type: 'string',
                },
                scope: {
                  type: 'string',
                },
                orgId: {
                  type: 'string',
                },
                createdAt: {
                  type: 'string',
                },
                lastUsedAt: {
                  type: ['string', 'null'],
                },
              },
              required: ['id', 'name', 'prefix', 'scope', 'orgId', 'createdAt', 'lastUsedAt'],
              additionalProperties: true,
            },
          },
        },
        required: ['apiKeys'],
        additionalProperties: true,
      },
    },
    errors: ['two_factor_enrollment_required'],
  },
  'GET /api/v1/orgs/:orgId/audit': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          events: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: {
                  type: 'string',
                },
                at: {
                  type: 'string',
                },
                event: {
                  type: 'string',
                },
                actorUserId: {
                  type: ['string', 'null'],
                },
                actorEmail: {
                  type: ['string', 'null'],
                },
                targetUserId: {
                  type: ['string', 'null'],
                },
                targetEmail: {
                  type: ['string', 'null'],
                },
                orgId: {
                  type: ['string', 'null'],
                },
                ip: {
                  type: 'string',
                },
                userAgent: {
                  type: 'string',
                },
                details: {
                  type: 'object',
                  properties: {
                    from: {
                      type: 'string',
                    },
                    to: {
                      type: 'string',
                    },
                    amr: {
                      type: 'string',
                    },
                    via: {
                      type: 'string',
                    },
                    role: {
                      type: 'string',
                    },
                    email: {
                      type: 'string',
                    },
                    invitationId: {
                      type: 'string',
                    },
                    clientId: {
                      type: 'string',
                    },
                    name: {
                      type: 'string',
                    },
                    kind: {
                      type: 'string',
                    },
                    firstMethod: {
                      type: 'string',
                    },
                    type: {
                      type: 'string',
                    },
                    label: {
                      type: 'string',
                    },
                    requireTwoFactor: {
                      type: 'string',
                    },
                    method: {
                      type: 'string',
                    },
                    step: {
                      type: 'string',
                    },
                    reason: {
                      type: 'string',
                    },
                    purpose: {
                      type: 'string',
                    },
                    failures: {
                      type: 'integer',
                    },
                    sessionId: {
                      type: 'string',
                    },
                    deviceId: {
                      type: 'string',
                    },
                    days: {
                      type: 'integer',
                    },
                  },
                  additionalProperties: true,
                },
              },
              required: [
                'id',
                'at',
                'event',
                'actorUserId',
                'actorEmail',
                'targetUserId',
                'targetEmail',
                'orgId',
                'ip',
                'userAgent',
                'details',
              ],
              additionalProperties: true,
            },
          },
          nextCursor: {
            type: ['null', 'string'],
          },
        },
        required: ['events', 'nextCursor'],
        additionalProperties: true,
      },
    },
    errors: ['forbidden', 'not_found', 'two_factor_enrollment_required'],
  },
  'GET /api/v1/orgs/:orgId/compliance': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          members: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                userId: {
                  type: 'string',
                },
                email: {
                  type: 'string',
                },
                emailVerified: {
                  type: 'boolean',
                },
                name: {
                  type: 'string',
                },
                role: {
                  type: 'string',
                },
                joinedAt: {
                  type: 'string',
                },
                lastSignInAt: {
                  type: ['null', 'string'],
                },
                twoFactorEnabled: {
                  type: 'boolean',
                },
                suspended: {
                  type: 'boolean',
                },
                deadline: {
                  type: ['string', 'null'],
                },
                overdue: {
                  type: 'boolean',
                },
                methods: {
                  type: 'array',
                  items: {
                    type: 'string',
                  },
                },
                needsReset: {
                  type: 'boolean',
                },
              },
              required: [
                'userId',
                'email',
                'emailVerified',
                'name',
                'role',
                'joinedAt',
                'lastSignInAt',
                'twoFactorEnabled',
                'suspended',
                'deadline',
                'overdue',
                'methods',
                'needsReset',
              ],
              additionalProperties: true,
            },
          },
          adoption: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                date: {
                  type: 'string',
                },
                enabled: {
                  type: 'integer',
                },
                members: {
                  type: 'integer',
                },
              },
              required: ['date', 'enabled', 'members'],
              additionalProperties: true,
            },
          },
        },
        required: ['members', 'adoption'],
        additionalProperties: true,
      },
    },
    errors: ['two_factor_enrollment_required'],
  },
  'GET /api/v1/orgs/:orgId/forward-auth-hosts': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          hosts: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: {
                  type: 'string',
                },
                orgId: {
                  type: 'string',
                },
                host: {
                  type: 'string',
                },
                requireTwoFactor: {
                  type: 'boolean',
                },
                roles: {
                  type: 'array',
                  items: {
                    type: 'string',
                  },
                },
                createdAt: {
                  type: 'string',
                },
              },
              required: ['id', 'orgId', 'host', 'requireTwoFactor', 'roles', 'createdAt'],
              additionalProperties: true,
            },
          },
        },
        required: ['hosts'],
        additionalProperties: true,
      },
    },
    errors: ['forbidden', 'two_factor_enrollment_required'],
  },
  'GET /api/v1/orgs/:orgId/invitations': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          invitations: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: {
                  type: 'string',
                },
                email: {
                  type: 'string',
                },
                role: {
                  type: 'string',
                },
                createdAt: {
                  type: 'string',
                },
                expiresAt: {
                  type: 'string',
                },
                status: {
                  type: 'string',
                },
              },
              required: ['id', 'email', 'role', 'createdAt', 'expiresAt', 'status'],
              additionalProperties: true,
            },
          },
        },
        required: ['invitations'],
        additionalProperties: true,
      },
    },
    errors: ['forbidden', 'two_factor_enrollment_required'],
  },
  'GET /api/v1/orgs/:orgId/members': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          members: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                userId: {
                  type: 'string',
                },
                email: {
                  type: 'string',
                },
                emailVerified: {
                  type: 'boolean',
                },
                name: {
                  type: 'string',
                },
                role: {
                  type: 'string',
                },
                joinedAt: {
                  type: 'string',
                },
                lastSignInAt: {
                  type: ['null', 'string'],
                },
                twoFactorEnabled: {
                  type: 'boolean',
                },
                suspended: {
                  type: 'boolean',
                },
                deadline: {
                  type: ['string', 'null'],
                },
                overdue: {
                  type: 'boolean',
                },
                methods: {
                  type: 'array',
                  items: {
                    type: 'string',
                  },
                },
                needsReset: {
                  type: 'boolean',
                },
              },
              required: [
                'userId',
                'email',
                'emailVerified',
                'name',
                'role',
                'joinedAt',
                'lastSignInAt',
                'twoFactorEnabled',
                'suspended',
                'deadline',
                'overdue',
                'methods',
                'needsReset',
              ],
              additionalProperties: true,
            },
          },
        },
        required: ['members'],
        additionalProperties: true,
      },
    },
    errors: ['forbidden', 'not_found', 'two_factor_enrollment_required'],
  },
  'GET /api/v1/orgs/:orgId/oidc-clients': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          clients: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                clientId: {
                  type: 'string',
                },
                orgId: {
                  type: 'string',
                },
                name: {
                  type: 'string',
                },
                kind: {
                  type: 'string',
                },
                tokenAuthMethod: {
                  type: 'string',
                },
                redirectUris: {
                  type: 'array',
                  items: {
                    type: 'string',
                  },
                },
                postLogoutRedirectUris: {
                  type: 'array',
                  items: {},
                },
                backchannelLogoutUri: {
                  type: ['string', 'null'],
                },
                createdAt: {
                  type: 'string',
                },
                secretRotatedAt: {
                  type: ['string', 'null'],
                },
                previousSecretExpiresAt: {
                  type: ['string', 'null'],
                },
              },
              required: [
                'clientId',
                'orgId',
                'name',
                'kind',
                'tokenAuthMethod',
                'redirectUris',
                'postLogoutRedirectUris',
                'backchannelLogoutUri',
                'createdAt',
                'secretRotatedAt',
                'previousSecretExpiresAt',
              ],
              additionalProperties: true,
            },
          },
          issuer: {
            type: 'string',
          },
        },
        required: ['clients', 'issuer'],
        additionalProperties: true,
      },
    },
    errors: ['forbidden', 'two_factor_enrollment_required'],
  },
  'GET /api/v1/orgs/:orgId/oidc-clients/:clientId': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          client: {
            type: 'object',
            properties: {
              clientId: {
                type: 'string',
              },
              orgId: {
                type: 'string',
              },
              name: {
                type: 'string',
              },
              kind: {
                type: 'string',
              },
              tokenAuthMethod: {
                type: 'string',
              },
              redirectUris: {
                type: 'array',
                items: {
                  type: 'string',
                },
              },
              postLogoutRedirectUris: {
                type: 'array',
                items: {
                  type: 'string',
                },
              },
              backchannelLogoutUri: {
                type: ['string', 'null'],
              },
              createdAt: {
                type: 'string',
              },
              secretRotatedAt: {
                type: ['string', 'null'],
              },
              previousSecretExpiresAt: {
                type: ['string', 'null'],
              },
            },
            required: [
              'clientId',
              'orgId',
              'name',
              'kind',
              'tokenAuthMethod',
              'redirectUris',
              'postLogoutRedirectUris',
              'backchannelLogoutUri',
              'createdAt',
              'secretRotatedAt',
              'previousSecretExpiresAt',
            ],
            additionalProperties: true,
          },
        },
        required: ['client'],
        additionalProperties: true,
      },
    },
    errors: ['not_found', 'two_factor_enrollment_required'],
  },
  'GET /api/v1/orgs/:orgId/branding': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          branding: {
            type: 'object',
            properties: {
              displayName: { type: ['string', 'null'] },
              accentColor: { type: ['string', 'null'] },
              logoUrl: { type: ['string', 'null'] },
            },
            required: ['displayName', 'accentColor', 'logoUrl'],
            additionalProperties: true,
          },
        },
        required: ['branding'],
        additionalProperties: true,
      },
    },
    errors: ['not_found', 'two_factor_enrollment_required'],
  },
  'PATCH /api/v1/orgs/:orgId/branding': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          branding: {
            type: 'object',
            properties: {
              displayName: { type: ['string', 'null'] },
              accentColor: { type: ['string', 'null'] },
              logoUrl: { type: ['string', 'null'] },
            },
            required: ['displayName', 'accentColor', 'logoUrl'],
            additionalProperties: true,
          },
        },
        required: ['branding'],
        additionalProperties: true,
      },
    },
    errors: ['accent_contrast_too_low', 'not_found', 'reauthentication_required', 'two_factor_enrollment_required'],
  },
  'PUT /api/v1/orgs/:orgId/branding/logo': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          branding: {
            type: 'object',
            properties: {
              displayName: { type: ['string', 'null'] },
              accentColor: { type: ['string', 'null'] },
              logoUrl: { type: ['string', 'null'] },
            },
            required: ['displayName', 'accentColor', 'logoUrl'],
            additionalProperties: true,
          },
        },
        required: ['branding'],
        additionalProperties: true,
      },
    },
    errors: ['logo_type_not_allowed', 'not_found', 'reauthentication_required', 'two_factor_enrollment_required'],
  },
  'DELETE /api/v1/orgs/:orgId/branding/logo': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          branding: {
            type: 'object',
            properties: {
              displayName: { type: ['string', 'null'] },
              accentColor: { type: ['string', 'null'] },
              logoUrl: { type: ['string', 'null'] },
            },
            required: ['displayName', 'accentColor', 'logoUrl'],
            additionalProperties: true,
          },
        },
        required: ['branding'],
        additionalProperties: true,
      },
    },
    errors: ['not_found', 'reauthentication_required', 'two_factor_enrollment_required'],
  },
  'GET /api/v1/orgs/:orgId/policy': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          requireTwoFactor: {
            type: 'string',
          },
          gracePeriodDays: {
            type: 'integer',
          },
          trustedDeviceDays: {
            type: 'integer',
          },
          allowedMethods: {
            type: 'array',
            items: {},
          },
          selfServiceRecovery: {
            type: 'boolean',
          },
        },
        required: ['requireTwoFactor', 'gracePeriodDays', 'trustedDeviceDays', 'allowedMethods', 'selfServiceRecovery'],
        additionalProperties: true,
      },
    },
    errors: ['not_found', 'two_factor_enrollment_required'],
  },
  'GET /api/v1/orgs/:orgId/policy/preview': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          affectedMembers: {
            type: 'integer',
          },
        },
        required: ['affectedMembers'],
        additionalProperties: true,
      },
    },
    errors: ['two_factor_enrollment_required'],
  },
  'GET /api/v1/orgs/:orgId/webhooks': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          webhooks: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: {
                  type: 'string',
                },
                orgId: {
                  type: 'string',
                },
                url: {
                  type: 'string',
                },
                events: {
                  type: 'array',
                  items: {
                    type: 'string',
                  },
                },
                enabled: {
                  type: 'boolean',
                },
                disabledReason: {
                  type: ['string', 'null'],
                },
                createdAt: {
                  type: 'string',
                },
                updatedAt: {
                  type: 'string',
                },
                previousSecretExpiresAt: {
                  type: ['string', 'null'],
                },
              },
              required: [
                'id',
                'orgId',
                'url',
                'events',
                'enabled',
                'disabledReason',
                'createdAt',
                'updatedAt',
                'previousSecretExpiresAt',
              ],
              additionalProperties: true,
            },
          },
          events: {
            type: 'array',
            items: {
              type: 'string',
            },
          },
        },
        required: ['webhooks', 'events'],
        additionalProperties: true,
      },
    },
    errors: ['forbidden', 'not_found', 'two_factor_enrollment_required'],
  },
  'GET /api/v1/orgs/:orgId/webhooks/:webhookId/deliveries': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          deliveries: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: {
                  type: 'string',
                },
                webhookId: {
                  type: 'string',
                },
                eventType: {
                  type: 'string',
                },
                status: {
                  type: 'string',
                },
                attempts: {
                  type: 'integer',
                },
                nextAttemptAt: {
                  type: ['string', 'null'],
                },
                lastAttemptAt: {
                  type: ['null', 'string'],
                },
                responseStatus: {
                  type: ['null', 'integer'],
                },
                lastError: {
                  type: ['null', 'string'],
                },
                createdAt: {
                  type: 'string',
                },
                deliveredAt: {
                  type: ['null', 'string'],
                },
              },
              required: [
                'id',
                'webhookId',
                'eventType',
                'status',
                'attempts',
                'nextAttemptAt',
                'lastAttemptAt',
                'responseStatus',
                'lastError',
                'createdAt',
                'deliveredAt',
              ],
              additionalProperties: true,
            },
          },
        },
        required: ['deliveries'],
        additionalProperties: true,
      },
    },
    errors: ['two_factor_enrollment_required'],
  },
  'GET /api/v1/session': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          user: {
            type: 'object',
            properties: {
              id: {
                type: 'string',
              },
              email: {
                type: 'string',
              },
              name: {
                type: 'string',
              },
              twoFactorEnabled: {
                type: 'boolean',
              },
            },
            required: ['id', 'email', 'name', 'twoFactorEnabled'],
            additionalProperties: true,
          },
          session: {
            type: 'object',
            properties: {
              id: {
                type: 'string',
              },
              amr: {
                type: 'array',
                items: {
                  type: 'string',
                },
              },
              kind: {
                type: 'string',
              },
              createdAt: {
                type: 'string',
              },
              expiresAt: {
                type: 'string',
              },
              reauthenticatedAt: {
                type: ['string', 'null'],
              },
            },
            required: ['id', 'amr', 'kind', 'createdAt', 'expiresAt', 'reauthenticatedAt'],
            additionalProperties: true,
          },
          amr: {
            type: 'array',
            items: {
              type: 'string',
            },
          },
          orgs: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: {
                  type: 'string',
                },
                name: {
                  type: 'string',
                },
                role: {
                  type: 'string',
                },
              },
              required: ['id', 'name', 'role'],
              additionalProperties: true,
            },
          },
          enrollmentRequired: {
            type: 'boolean',
          },
          recovery: {
            type: ['null', 'object'],
            properties: {
              status: {
                type: 'string',
              },
              completedAt: {
                type: 'string',
              },
            },
            required: ['status', 'completedAt'],
            additionalProperties: true,
          },
          twoFactorRequirement: {
            type: 'object',
            properties: {
              required: {
                type: 'boolean',
              },
              deadline: {
                type: ['string', 'null'],
              },
              daysLeft: {
                type: ['string', 'null'],
              },
              overdue: {
                type: 'boolean',
              },
              orgs: {
                type: 'array',
                items: {},
              },
            },
            required: ['required', 'deadline', 'daysLeft', 'overdue', 'orgs'],
            additionalProperties: true,
          },
        },
        required: ['user', 'session', 'amr', 'orgs', 'enrollmentRequired', 'recovery', 'twoFactorRequirement'],
        additionalProperties: true,
      },
    },
    errors: ['unauthenticated'],
  },
  'GET /api/v1/setup': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          setupOpen: {
            type: 'boolean',
          },
        },
        required: ['setupOpen'],
        additionalProperties: true,
      },
    },
    errors: [],
  },
  'PATCH /api/v1/me/factors/:id': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          twoFactorEnabled: {
            type: 'boolean',
          },
          factors: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: {
                  type: 'string',
                },
                label: {
                  type: 'string',
                },
                createdAt: {
                  type: 'string',
                },
                lastUsedAt: {
                  type: ['string', 'null'],
                },
                methods: {
                  type: 'array',
                  items: {
                    type: 'string',
                  },
                },
                passkey: {
                  type: 'object',
                  properties: {
                    deviceType: {
                      type: 'string',
                    },
                    backedUp: {
                      type: 'boolean',
                    },
                  },
                  required: ['deviceType', 'backedUp'],
                  additionalProperties: true,
                },
                type: {
                  type: 'string',
                },
                isDefault: {
                  type: 'boolean',
                },
              },
              required: ['id', 'label', 'createdAt', 'lastUsedAt', 'methods', 'type', 'isDefault'],
              additionalProperties: true,
            },
          },
          backupCodesLeft: {
            type: 'integer',
          },
          backupCodesLow: {
            type: 'boolean',
          },
        },
        required: ['twoFactorEnabled', 'factors', 'backupCodesLeft', 'backupCodesLow'],
        additionalProperties: true,
      },
    },
    errors: ['not_found', 'two_factor_enrollment_required', 'unauthenticated'],
  },
  'PATCH /api/v1/orgs/:orgId/members/:userId': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          userId: {
            type: 'string',
          },
          role: {
            type: 'string',
          },
        },
        required: ['userId', 'role'],
        additionalProperties: true,
      },
    },
    errors: ['forbidden', 'last_owner', 'not_found', 'two_factor_enrollment_required'],
  },
  'PATCH /api/v1/orgs/:orgId/oidc-clients/:clientId': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          client: {
            type: 'object',
            properties: {
              clientId: {
                type: 'string',
              },
              orgId: {
                type: 'string',
              },
              name: {
                type: 'string',
              },
              kind: {
                type: 'string',
              },
              tokenAuthMethod: {
                type: 'string',
              },
              redirectUris: {
                type: 'array',
                items: {
                  type: 'string',
                },
              },
              postLogoutRedirectUris: {
                type: 'array',
                items: {},
              },
              backchannelLogoutUri: {
                type: ['null', 'string'],
              },
              createdAt: {
                type: 'string',
              },
              secretRotatedAt: {
                type: ['string', 'null'],
              },
              previousSecretExpiresAt: {
                type: ['string', 'null'],
              },
            },
            required: [
              'clientId',
              'orgId',
              'name',
              'kind',
              'tokenAuthMethod',
              'redirectUris',
              'postLogoutRedirectUris',
              'backchannelLogoutUri',
              'createdAt',
              'secretRotatedAt',
              'previousSecretExpiresAt',
            ],
            additionalProperties: true,
          },
        },
        required: ['client'],
        additionalProperties: true,
      },
    },
    errors: ['not_found', 'two_factor_enrollment_required', 'unauthenticated'],
  },
  'PATCH /api/v1/orgs/:orgId/policy': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          policy: {
            type: 'object',
            properties: {
              requireTwoFactor: {
                type: 'string',
              },
              gracePeriodDays: {
                type: 'integer',
              },
              trustedDeviceDays: {
                type: 'integer',
              },
              allowedMethods: {
                type: 'array',
                items: {},
              },
              selfServiceRecovery: {
                type: 'boolean',
              },
            },
            required: [
              'requireTwoFactor',
              'gracePeriodDays',
              'trustedDeviceDays',
              'allowedMethods',
              'selfServiceRecovery',
            ],
            additionalProperties: true,
          },
          affectedMembers: {
            type: 'integer',
          },
        },
        required: ['policy', 'affectedMembers'],
        additionalProperties: true,
      },
    },
    errors: ['two_factor_enrollment_required'],
  },
  'PATCH /api/v1/orgs/:orgId/webhooks/:webhookId': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          webhook: {
            type: 'object',
            properties: {
              id: {
                type: 'string',
              },
              orgId: {
                type: 'string',
              },
              url: {
                type: 'string',
              },
              events: {
                type: 'array',
                items: {
                  type: 'string',
                },
              },
              enabled: {
                type: 'boolean',
              },
              disabledReason: {
                type: ['string', 'null'],
              },
              createdAt: {
                type: 'string',
              },
              updatedAt: {
                type: 'string',
              },
              previousSecretExpiresAt: {
                type: ['string', 'null'],
              },
            },
            required: [
              'id',
              'orgId',
              'url',
              'events',
              'enabled',
              'disabledReason',
              'createdAt',
              'updatedAt',
              'previousSecretExpiresAt',
            ],
            additionalProperties: true,
          },
        },
        required: ['webhook'],
        additionalProperties: true,
      },
    },
    errors: ['not_found', 'two_factor_enrollment_required', 'unauthenticated'],
  },
  'POST /api/v1/email-verification/confirm': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          status: {
            type: 'string',
          },
        },
        required: ['status'],
        additionalProperties: true,
      },
    },
    errors: ['invalid_token'],
  },
  'POST /api/v1/invitations/accept': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          status: {
            type: 'string',
          },
          user: {
            type: 'object',
            properties: {
              id: {
                type: 'string',
              },
              email: {
                type: 'string',
              },
              name: {
                type: 'string',
              },
              twoFactorEnabled: {
                type: 'boolean',
              },
            },
            required: ['id', 'email', 'name', 'twoFactorEnabled'],
            additionalProperties: true,
          },
        },
        required: ['status', 'user'],
        additionalProperties: true,
      },
    },
    errors: ['invalid_credentials', 'invalid_token', 'password_rejected'],
  },
  'POST /api/v1/me/api-keys': {
    responses: {
      '201': {
        type: 'object',
        properties: {
          key: {
            type: 'string',
          },
          apiKey: {
            type: 'object',
            properties: {
              id: {
                type: 'string',
              },
              name: {
                type: 'string',
              },
              prefix: {
                type: 'string',
              },
              scope: {
                type: 'string',
              },
              orgId: {
                type: ['string', 'null'],
              },
              createdAt: {
                type: 'string',
              },
              lastUsedAt: {
                type: ['string', 'null'],
              },
            },
            required: ['id', 'name', 'prefix', 'scope', 'orgId', 'createdAt', 'lastUsedAt'],
            additionalProperties: true,
          },
        },
        required: ['key', 'apiKey'],
        additionalProperties: true,
      },
    },
    errors: ['forbidden', 'two_factor_enrollment_required', 'unauthenticated'],
  },
  'POST /api/v1/me/backup-codes': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          codes: {
            type: 'array',
            items: {
              type: 'string',
            },
          },
        },
        required: ['codes'],
        additionalProperties: true,
      },
    },
    errors: ['two_factor_enrollment_required'],
  },
  'POST /api/v1/me/email/verification': {
    responses: {
      '202': {
        type: 'object',
        properties: {
          status: {
            type: 'string',
          },
        },
        required: ['status'],
        additionalProperties: true,
      },
    },
    errors: ['conflict', 'two_factor_enrollment_required'],
  },
  'POST /api/v1/me/factors/passkey': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          factor: {
            type: 'object',
            properties: {
              id: {
                type: 'string',
              },
              type: {
                type: 'string',
              },
              label: {
                type: 'string',
              },
              createdAt: {
                type: 'string',
              },
            },
            required: ['id', 'type', 'label', 'createdAt'],
            additionalProperties: true,
          },
          backupCodes: {
            type: ['array', 'null'],
            items: {
              type: 'string',
            },
          },
        },
        required: ['factor', 'backupCodes'],
        additionalProperties: true,
      },
    },
    errors: ['conflict', 'not_found'],
  },
  'POST /api/v1/me/factors/passkey/options': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          challenge: {
            type: 'string',
          },
          rp: {
            type: 'object',
            properties: {
              name: {
                type: 'string',
              },
              id: {
                type: 'string',
              },
            },
            required: ['name', 'id'],
            additionalProperties: true,
          },
          user: {
            type: 'object',
            properties: {
              id: {
                type: 'string',
              },
              name: {
                type: 'string',
              },
              displayName: {
                type: 'string',
              },
            },
            required: ['id', 'name', 'displayName'],
            additionalProperties: true,
          },
          pubKeyCredParams: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                alg: {
                  type: 'integer',
                },
                type: {
                  type: 'string',
                },
              },
              required: ['alg', 'type'],
              additionalProperties: true,
            },
          },
          timeout: {
            type: 'integer',
          },
          attestation: {
            type: 'string',
          },
          excludeCredentials: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: {
                  type: 'string',
                },
                transports: {
                  type: 'array',
                  items: {
                    type: 'string',
                  },
                },
                type: {
                  type: 'string',
                },
              },
              required: ['id', 'transports', 'type'],
              additionalProperties: true,
            },
          },
          authenticatorSelection: {
            type: 'object',
            properties: {
              residentKey: {
                type: 'string',
              },
              userVerification: {
                type: 'string',
              },
              requireResidentKey: {
                type: 'boolean',
              },
            },
            required: ['residentKey', 'userVerification', 'requireResidentKey'],
            additionalProperties: true,
          },
          extensions: {
            type: 'object',
            properties: {
              credProps: {
                type: 'boolean',
              },
            },
            required: ['credProps'],
            additionalProperties: true,
          },
          hints: {
            type: 'array',
            items: {},
          },
        },
        required: [
          'challenge',
          'rp',
          'user',
          'pubKeyCredParams',
          'timeout',
          'attestation',
          'excludeCredentials',
          'authenticatorSelection',
          'extensions',
          'hints',
        ],
        additionalProperties: true,
      },
    },
    errors: ['reauthentication_required', 'unauthenticated'],
  },
  'POST /api/v1/me/factors/phone': {
    responses: {
      '202': {
        type: 'object',
        properties: {
          enrollmentId: {
            type: 'string',
          },
          sentTo: {
            type: 'string',
          },
          channel: {
            type: 'string',
          },
          expiresAt: {
            type: 'string',
          },
          resendAfterSeconds: {
            type: 'integer',
          },
        },
        required: ['enrollmentId', 'sentTo', 'channel', 'expiresAt', 'resendAfterSeconds'],
        additionalProperties: true,
      },
    },
    errors: ['forbidden', 'reauthentication_required', 'unauthenticated'],
  },
  'POST /api/v1/me/factors/phone/confirm': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          factor: {
            type: 'object',
            properties: {
              id: {
                type: 'string',
              },
              type: {
                type: 'string',
              },
              label: {
                type: 'string',
              },
              createdAt: {
                type: 'string',
              },
            },
            required: ['id', 'type', 'label', 'createdAt'],
            additionalProperties: true,
          },
          backupCodes: {
            type: ['array', 'null'],
            items: {
              type: 'string',
            },
          },
          changed: {
            type: 'boolean',
          },
        },
        required: ['factor', 'backupCodes', 'changed'],
        additionalProperties: true,
      },
    },
    errors: ['invalid_code', 'not_found', 'unauthenticated'],
  },
  'POST /api/v1/me/factors/totp': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          enrollmentId: {
            type: 'string',
          },
          secret: {
            type: 'string',
          },
          secretGroups: {
            type: 'string',
          },
          otpauthUri: {
            type: 'string',
          },
          qrSvg: {
            type: 'string',
          },
          expiresAt: {
            type: 'string',
          },
        },
        required: ['enrollmentId', 'secret', 'secretGroups', 'otpauthUri', 'qrSvg', 'expiresAt'],
        additionalProperties: true,
      },
    },
    errors: ['reauthentication_required'],
  },
  'POST /api/v1/me/factors/totp/confirm': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          factor: {
            type: 'object',
            properties: {
              id: {
                type: 'string',
              },
              type: {
                type: 'string',
              },
              label: {
                type: 'string',
              },
              createdAt: {
                type: 'string',
              },
            },
            required: ['id', 'type', 'label', 'createdAt'],
            additionalProperties: true,
          },
          backupCodes: {
            type: 'array',
            items: {
              type: 'string',
            },
          },
        },
        required: ['factor', 'backupCodes'],
        additionalProperties: true,
      },
    },
    errors: ['not_found', 'unauthenticated'],
  },
  'POST /api/v1/me/password': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          status: {
            type: 'string',
          },
        },
        required: ['status'],
        additionalProperties: true,
      },
    },
    errors: ['invalid_credentials', 'password_rejected', 'two_factor_enrollment_required', 'unauthenticated'],
  },
  'POST /api/v1/me/reauthenticate': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          status: {
            type: 'string',
          },
          validForSeconds: {
            type: 'integer',
          },
        },
        required: ['status', 'validForSeconds'],
        additionalProperties: true,
      },
    },
    errors: ['invalid_code', 'invalid_credentials', 'reauthentication_required', 'unauthenticated'],
  },
  'POST /api/v1/me/reauthenticate/passkey/options': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          rpId: {
            type: 'string',
          },
          challenge: {
            type: 'string',
          },
          allowCredentials: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: {
                  type: 'string',
                },
                transports: {
                  type: 'array',
                  items: {
                    type: 'string',
                  },
                },
                type: {
                  type: 'string',
                },
              },
              required: ['id', 'transports', 'type'],
              additionalProperties: true,
            },
          },
          timeout: {
            type: 'integer',
          },
          userVerification: {
            type: 'string',
          },
        },
        required: ['rpId', 'challenge', 'allowCredentials', 'timeout', 'userVerification'],
        additionalProperties: true,
      },
    },
    errors: ['two_factor_enrollment_required'],
  },
  'POST /api/v1/me/reauthenticate/send': {
    responses: {
      '202': {
        type: 'object',
        properties: {
          sentTo: {
            type: 'string',
          },
          channel: {
            type: 'string',
          },
          expiresAt: {
            type: 'string',
          },
          resendAfterSeconds: {
            type: 'integer',
          },
        },
        required: ['sentTo', 'channel', 'expiresAt', 'resendAfterSeconds'],
        additionalProperties: true,
      },
    },
    errors: ['two_factor_enrollment_required'],
  },
  'POST /api/v1/me/sessions/revoke-all': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          revoked: {
            type: 'integer',
          },
        },
        required: ['revoked'],
        additionalProperties: true,
      },
    },
    errors: ['forbidden', 'two_factor_enrollment_required'],
  },
  'POST /api/v1/me/two-factor/disable': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          twoFactorEnabled: {
            type: 'boolean',
          },
        },
        required: ['twoFactorEnabled'],
        additionalProperties: true,
      },
    },
    errors: [
      'invalid_code',
      'invalid_credentials',
      'two_factor_enrollment_required',
      'two_factor_required_by_org',
      'unauthenticated',
    ],
  },
  'POST /api/v1/orgs/:orgId/api-keys': {
    responses: {
      '201': {
        type: 'object',
        properties: {
          key: {
            type: 'string',
          },
          apiKey: {
            type: 'object',
            properties: {
              id: {
                type: 'string',
              },
              name: {
                type: 'string',
              },
              prefix: {
                type: 'string',
              },
              scope: {
                type: 'string',
              },
              orgId: {
                type: 'string',
              },
              createdAt: {
                type: 'string',
              },
              lastUsedAt: {
                type: ['string', 'null'],
              },
            },
            required: ['id', 'name', 'prefix', 'scope', 'orgId', 'createdAt', 'lastUsedAt'],
            additionalProperties: true,
          },
        },
        required: ['key', 'apiKey'],
        additionalProperties: true,
      },
    },
    errors: ['two_factor_enrollment_required', 'unauthenticated'],
  },
  'POST /api/v1/orgs/:orgId/forward-auth-hosts': {
    responses: {
      '201': {
        type: 'object',
        properties: {
          host: {
            type: 'object',
            properties: {
              id: {
                type: 'string',
              },
              orgId: {
                type: 'string',
              },
              host: {
                type: 'string',
              },
              requireTwoFactor: {
                type: 'boolean',
              },
              roles: {
                type: 'array',
                items: {
                  type: 'string',
                },
              },
              createdAt: {
                type: 'string',
              },
            },
            required: ['id', 'orgId', 'host', 'requireTwoFactor', 'roles', 'createdAt'],
            additionalProperties: true,
          },
        },
        required: ['host'],
        additionalProperties: true,
      },
    },
    errors: ['conflict', 'reauthentication_required', 'two_factor_enrollment_required', 'unauthenticated'],
  },
  'POST /api/v1/orgs/:orgId/invitations': {
    responses: {
      '201': {
        type: 'object',
        properties: {
          invitation: {
            type: 'object',
            properties: {
              id: {
                type: 'string',
              },
              email: {
                type: 'string',
              },
              role: {
                type: 'string',
              },
              createdAt: {
                type: 'string',
              },
              expiresAt: {
                type: 'string',
              },
              status: {
                type: 'string',
              },
            },
            required: ['id', 'email', 'role', 'createdAt', 'expiresAt', 'status'],
            additionalProperties: true,
          },
          emailDelivered: {
            type: 'boolean',
          },
        },
        required: ['invitation', 'emailDelivered'],
        additionalProperties: true,
      },
    },
    errors: ['conflict', 'forbidden', 'not_found', 'two_factor_enrollment_required', 'unauthenticated'],
  },
  'POST /api/v1/orgs/:orgId/members/:userId/reactivate': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          status: {
            type: 'string',
          },
          changed: {
            type: 'boolean',
          },
        },
        required: ['status', 'changed'],
        additionalProperties: true,
      },
    },
    errors: ['forbidden', 'member_of_other_org', 'two_factor_enrollment_required', 'unauthenticated'],
  },
  'POST /api/v1/orgs/:orgId/members/:userId/reset-two-factor': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          status: {
            type: 'string',
          },
        },
        required: ['status'],
        additionalProperties: true,
      },
    },
    errors: ['forbidden', 'member_of_other_org', 'two_factor_enrollment_required', 'unauthenticated'],
  },
  'POST /api/v1/orgs/:orgId/members/:userId/suspend': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          status: {
            type: 'string',
          },
          changed: {
            type: 'boolean',
          },
        },
        required: ['status', 'changed'],
        additionalProperties: true,
      },
    },
    errors: ['forbidden', 'member_of_other_org', 'two_factor_enrollment_required', 'unauthenticated'],
  },
  'POST /api/v1/orgs/:orgId/notify-without-2fa': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          notified: {
            type: 'integer',
          },
        },
        required: ['notified'],
        additionalProperties: true,
      },
    },
    errors: ['two_factor_enrollment_required'],
  },
  'POST /api/v1/orgs/:orgId/oidc-clients': {
    responses: {
      '201': {
        type: 'object',
        properties: {
          client: {
            type: 'object',
            properties: {
              clientId: {
                type: 'string',
              },
              orgId: {
                type: 'string',
              },
              name: {
                type: 'string',
              },
              kind: {
                type: 'string',
              },
              tokenAuthMethod: {
                type: 'string',
              },
              redirectUris: {
                type: 'array',
                items: {
                  type: 'string',
                },
              },
              postLogoutRedirectUris: {
                type: 'array',
                items: {
                  type: 'string',
                },
              },
              backchannelLogoutUri: {
                type: ['string', 'null'],
              },
              createdAt: {
                type: 'string',
              },
              secretRotatedAt: {
                type: ['string', 'null'],
              },
              previousSecretExpiresAt: {
                type: ['string', 'null'],
              },
            },
            required: [
              'clientId',
              'orgId',
              'name',
              'kind',
              'tokenAuthMethod',
              'redirectUris',
              'postLogoutRedirectUris',
              'backchannelLogoutUri',
              'createdAt',
              'secretRotatedAt',
              'previousSecretExpiresAt',
            ],
            additionalProperties: true,
          },
          clientSecret: {
            type: ['string', 'null'],
          },
        },
        required: ['client', 'clientSecret'],
        additionalProperties: true,
      },
    },
    errors: ['reauthentication_required', 'two_factor_enrollment_required', 'unauthenticated'],
  },
  'POST /api/v1/orgs/:orgId/oidc-clients/:clientId/rotate-secret': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          client: {
            type: 'object',
            properties: {
              clientId: {
                type: 'string',
              },
              orgId: {
                type: 'string',
              },
              name: {
                type: 'string',
              },
              kind: {
                type: 'string',
              },
              tokenAuthMethod: {
                type: 'string',
              },
              redirectUris: {
                type: 'array',
                items: {
                  type: 'string',
                },
              },
              postLogoutRedirectUris: {
                type: 'array',
                items: {
                  type: 'string',
                },
              },
              backchannelLogoutUri: {
                type: ['null', 'string'],
              },
              createdAt: {
                type: 'string',
              },
              secretRotatedAt: {
                type: 'string',
              },
              previousSecretExpiresAt: {
                type: ['string', 'null'],
              },
            },
            required: [
              'clientId',
              'orgId',
              'name',
              'kind',
              'tokenAuthMethod',
              'redirectUris',
              'postLogoutRedirectUris',
              'backchannelLogoutUri',
              'createdAt',
              'secretRotatedAt',
              'previousSecretExpiresAt',
            ],
            additionalProperties: true,
          },
          clientSecret: {
            type: 'string',
          },
        },
        required: ['client', 'clientSecret'],
        additionalProperties: true,
      },
    },
    errors: ['conflict', 'two_factor_enrollment_required'],
  },
  'POST /api/v1/orgs/:orgId/webhooks': {
    responses: {
      '201': {
        type: 'object',
        properties: {
          id: {
            type: 'string',
          },
          secret: {
            type: 'string',
          },
          webhook: {
            type: 'object',
            properties: {
              id: {
                type: 'string',
              },
              orgId: {
                type: 'string',
              },
              url: {
                type: 'string',
              },
              events: {
                type: 'array',
                items: {
                  type: 'string',
                },
              },
              enabled: {
                type: 'boolean',
              },
              disabledReason: {
                type: ['string', 'null'],
              },
              createdAt: {
                type: 'string',
              },
              updatedAt: {
                type: 'string',
              },
              previousSecretExpiresAt: {
                type: ['string', 'null'],
              },
            },
            required: [
              'id',
              'orgId',
              'url',
              'events',
              'enabled',
              'disabledReason',
              'createdAt',
              'updatedAt',
              'previousSecretExpiresAt',
            ],
            additionalProperties: true,
          },
        },
        required: ['id', 'secret', 'webhook'],
        additionalProperties: true,
      },
    },
    errors: ['reauthentication_required', 'two_factor_enrollment_required', 'unauthenticated'],
  },
  'POST /api/v1/orgs/:orgId/webhooks/:webhookId/deliveries/:deliveryId/redeliver': {
    responses: {
      '202': {
        type: 'object',
        properties: {
          status: {
            type: 'string',
          },
        },
        required: ['status'],
        additionalProperties: true,
      },
    },
    errors: ['conflict', 'two_factor_enrollment_required'],
  },
  'POST /api/v1/orgs/:orgId/webhooks/:webhookId/rotate-secret': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          secret: {
            type: 'string',
          },
          webhook: {
            type: 'object',
            properties: {
              id: {
                type: 'string',
              },
              orgId: {
                type: 'string',
              },
              url: {
                type: 'string',
              },
              events: {
                type: 'array',
                items: {
                  type: 'string',
                },
              },
              enabled: {
                type: 'boolean',
              },
              disabledReason: {
                type: ['string', 'null'],
              },
              createdAt: {
                type: 'string',
              },
              updatedAt: {
                type: 'string',
              },
              previousSecretExpiresAt: {
                type: ['string', 'null'],
              },
            },
            required: [
              'id',
              'orgId',
              'url',
              'events',
              'enabled',
              'disabledReason',
              'createdAt',
              'updatedAt',
              'previousSecretExpiresAt',
            ],
            additionalProperties: true,
          },
        },
        required: ['secret', 'webhook'],
        additionalProperties: true,
      },
    },
    errors: ['reauthentication_required', 'two_factor_enrollment_required'],
  },
  'POST /api/v1/password-reset': {
    responses: {
      '202': {
        type: 'object',
        properties: {
          status: {
            type: 'string',
          },
        },
        required: ['status'],
        additionalProperties: true,
      },
    },
    errors: [],
  },
  'POST /api/v1/password-reset/confirm': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          status: {
            type: 'string',
          },
        },
        required: ['status'],
        additionalProperties: true,
      },
    },
    errors: ['invalid_token'],
  },
  'POST /api/v1/recovery': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          status: {
            type: 'string',
          },
          orgs: {
            type: 'array',
            items: {
              type: 'string',
            },
          },
        },
        required: ['status', 'orgs'],
        additionalProperties: true,
      },
      '202': {
        type: 'object',
        properties: {
          status: {
            type: 'string',
          },
        },
        required: ['status'],
        additionalProperties: true,
      },
    },
    errors: ['challenge_expired'],
  },
  'POST /api/v1/recovery/cancel': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          status: {
            type: 'string',
          },
        },
        required: ['status'],
        additionalProperties: true,
      },
    },
    errors: ['invalid_token'],
  },
  'POST /api/v1/recovery/confirm': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          status: {
            type: 'string',
          },
          completesAt: {
            type: 'string',
          },
        },
        required: ['status', 'completesAt'],
        additionalProperties: true,
      },
    },
    errors: ['invalid_token'],
  },
  'POST /api/v1/setup': {
    responses: {
      '201': {
        type: 'object',
        properties: {
          user: {
            type: 'object',
            properties: {
              id: {
                type: 'string',
              },
              email: {
                type: 'string',
              },
              name: {
                type: 'string',
              },
              twoFactorEnabled: {
                type: 'boolean',
              },
            },
            required: ['id', 'email', 'name', 'twoFactorEnabled'],
            additionalProperties: true,
          },
          org: {
            type: 'object',
            properties: {
              id: {
                type: 'string',
              },
              name: {
                type: 'string',
              },
            },
            required: ['id', 'name'],
            additionalProperties: true,
          },
        },
        required: ['user', 'org'],
        additionalProperties: true,
      },
    },
    errors: ['already_set_up'],
  },
  'POST /api/v1/sign-in': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          status: {
            type: 'string',
          },
          methods: {
            type: 'array',
            items: {
              type: 'string',
            },
          },
          defaultMethod: {
            type: 'string',
          },
          expiresAt: {
            type: 'string',
          },
          user: {
            type: 'object',
            properties: {
              id: {
                type: 'string',
              },
              email: {
                type: 'string',
              },
              name: {
                type: 'string',
              },
              twoFactorEnabled: {
                type: 'boolean',
              },
            },
            required: ['id', 'email', 'name', 'twoFactorEnabled'],
            additionalProperties: true,
          },
          twoFactorRequirement: {
            type: 'object',
            properties: {
              required: {
                type: 'boolean',
              },
              deadline: {
                type: 'string',
              },
              daysLeft: {
                type: 'integer',
              },
              overdue: {
                type: 'boolean',
              },
              orgs: {
                type: 'array',
                items: {
                  type: 'string',
                },
              },
            },
            required: ['required', 'deadline', 'daysLeft', 'overdue', 'orgs'],
            additionalProperties: true,
          },
        },
        required: ['status'],
        additionalProperties: true,
      },
    },
    errors: ['account_suspended', 'invalid_credentials'],
  },
  'POST /api/v1/sign-in/passkey': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          status: {
            type: 'string',
          },
          user: {
            type: 'object',
            properties: {
              id: {
                type: 'string',
              },
              email: {
                type: 'string',
              },
              name: {
                type: 'string',
              },
              twoFactorEnabled: {
                type: 'boolean',
              },
            },
            required: ['id', 'email', 'name', 'twoFactorEnabled'],
            additionalProperties: true,
          },
          trustedDevice: {
            type: 'boolean',
          },
          methods: {
            type: 'array',
            items: {
              type: 'string',
            },
          },
          defaultMethod: {
            type: 'string',
          },
          expiresAt: {
            type: 'string',
          },
        },
        required: ['status'],
        additionalProperties: true,
      },
    },
    errors: ['invalid_code'],
  },
  'POST /api/v1/sign-in/passkey/options': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          rpId: {
            type: 'string',
          },
          challenge: {
            type: 'string',
          },
          allowCredentials: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: {
                  type: 'string',
                },
                transports: {
                  type: 'array',
                  items: {
                    type: 'string',
                  },
                },
                type: {
                  type: 'string',
                },
              },
              required: ['id', 'transports', 'type'],
              additionalProperties: true,
            },
          },
          timeout: {
            type: 'integer',
          },
          userVerification: {
            type: 'string',
          },
        },
        required: ['rpId', 'challenge', 'timeout', 'userVerification'],
        additionalProperties: true,
      },
    },
    errors: ['not_found'],
  },
  'POST /api/v1/sign-in/send': {
    responses: {
      '202': {
        type: 'object',
        properties: {
          sentTo: {
            type: 'string',
          },
          channel: {
            type: 'string',
          },
          expiresAt: {
            type: 'string',
          },
          resendAfterSeconds: {
            type: 'integer',
          },
        },
        required: ['sentTo', 'channel', 'expiresAt', 'resendAfterSeconds'],
        additionalProperties: true,
      },
    },
    errors: ['challenge_expired', 'forbidden'],
  },
  'POST /api/v1/sign-in/verify': {
    responses: {
      '200': {
        type: 'object',
        properties: {
          status: {
            type: 'string',
          },
          user: {
            type: 'object',
            properties: {
              id: {
                type: 'string',
              },
              email: {
                type: 'string',
              },
              name: {
                type: 'string',
              },
              twoFactorEnabled: {
                type: 'boolean',
              },
            },
            required: ['id', 'email', 'name', 'twoFactorEnabled'],
            additionalProperties: true,
          },
          trustedDevice: {
            type: 'boolean',
          },
          recoveryCancelled: {
            type: 'boolean',
          },
        },
        required: ['status', 'user', 'trustedDevice', 'recoveryCancelled'],
        additionalProperties: true,
      },
    },
    errors: ['challenge_expired', 'invalid_code', 'too_many_attempts'],
  },
  'POST /api/v1/me/factors/phone/resend': {
    responses: {
      '202': {
        type: 'object',
        properties: {
          enrollmentId: {
            type: 'string',
          },
          sentTo: {
            type: 'string',
          },
          channel: {
            type: 'string',
          },
          expiresAt: {
            type: 'string',
          },
          resendAfterSeconds: {
            type: 'integer',
          },
        },
        required: ['enrollmentId', 'sentTo', 'channel', 'expiresAt', 'resendAfterSeconds'],
        additionalProperties: true,
      },
    },
    errors: [],
  },
  'DELETE /api/v1/me/api-keys/:id': {
    responses: {
      '204': null,
    },
    errors: ['two_factor_enrollment_required'],
  },
  'DELETE /api/v1/me/apps/:clientId': {
    responses: {
      '204': null,
    },
    errors: ['not_found', 'two_factor_enrollment_required'],
  },
};
