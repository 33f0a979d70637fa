/** The query of the audit-log routes (own activity, an org's log): filters and a keyset cursor. */
import { object, str } from './schema.ts';

export const auditQuerySchema = object({
  event: str(64, { pattern: '^[a-z_.]+$' }),
  userId: str(64, { pattern: '^[A-Za-z0-9_-]+$' }),
  /** The `nextCursor` of the previous page: `<ISO time>|<id>`. */
  before: str(120, { pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z\\|[A-Za-z0-9_-]{1,64}$' }),
  limit: str(3, { pattern: '^[0-9]{1,3}$' }),
});

export function pageLimit(raw: string | undefined): number {
  const n = raw ? Number(raw) : 50;
  return Math.min(Math.max(n, 1), 200);
}
