/**
 * The server's operator, acting from the command line (`twofold init`, `user add`, `user suspend`): holding
 * the server's configuration and database is their authority, so no role, sudo or request limit applies,
 * and the audit rows name no actor. Flows only the operator may run take `OPERATOR` where others take the
 * acting session.
 */
export const OPERATOR = Object.freeze({ operator: true as const });
export type Operator = typeof OPERATOR;
