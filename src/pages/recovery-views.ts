/** What the recovery pages and the recovery banner say: when it completes, and how to cancel it. */
import type { RecoveryNotice } from '../recovery/guard.ts';
import { html, type Html } from '../core/html.ts';
import { moment } from './ui.ts';
import type { T } from '../i18n/index.ts';

export function howToCancel(t: T): Html {
  return html`<h2 class="sub">${t('auth:recovery.howToCancel.heading')}</h2>
<ul>
  <li>${t('auth:recovery.howToCancel.email')}</li>
  <li>${t('auth:recovery.howToCancel.signIn')}</li>
  <li>${t.html('auth:recovery.howToCancel.banner')}</li>
</ul>`;
}

export function requestIntro(t: T, hours: number, ifOpenedNow: string): Html {
  return html`<p>${t('auth:recovery.requestIntro')}</p>
<p>${t.html('auth:recovery.requestDelay', { count: hours, when: moment(t, ifOpenedNow) })}</p>`;
}

export function linkSent(t: T, hours: number): Html {
  return html`<p>${t('auth:recovery.linkSent')}</p>
<p>${t('auth:recovery.linkSentNext', { count: hours })}</p>
${howToCancel(t)}`;
}

export function pendingNote(t: T, pending: { completesAt: string; delayedByPasswordReset: boolean }): Html {
  return html`<div class="notice notice-info" role="status">${t.html(pending.delayedByPasswordReset ? 'auth:recovery.pendingDelayed' : 'auth:recovery.pending', { when: moment(t, pending.completesAt) })}</div>`;
}

export function confirmIntro(t: T, hours: number, ifStartedNow: string): Html {
  return html`<p>${t.html('auth:recovery.confirmIntro', { count: hours, when: moment(t, ifStartedNow) })}</p>`;
}

export function startedView(t: T, completesAt: string, hours: number): Html {
  return html`<p>${t.html('auth:recovery.started', { count: hours, when: moment(t, completesAt) })}</p>
<h2 class="sub">${t('auth:recovery.nextHeading')}</h2>
<ol>
  <li>${t('auth:recovery.nextEmailed')}</li>
  <li>${t('auth:recovery.nextSignIn')}</li>
  <li>${t('auth:recovery.nextSetUp')}</li>
</ol>
${howToCancel(t)}
<p>${t('auth:recovery.notYou')}</p>
<p><a class="button" href="/sign-in">${t('auth:recovery.backToSignIn')}</a></p>`;
}

/** The banner on every signed-in page: a pending recovery with "Cancel recovery", or a recent completion. */
export function recoveryBanner(t: T, notice: RecoveryNotice | null, csrf: string): Html {
  if (!notice) return html``;
  if (notice.status === 'completed') {
    return html`<div class="notice notice-info" role="status">${t.html('common:recoveryBanner.completed', { when: moment(t, notice.completedAt) })}</div>`;
  }
  return html`<div class="notice notice-error" role="alert">${t.html(notice.delayedByPasswordReset ? 'common:recoveryBanner.pendingDelayed' : 'common:recoveryBanner.pending', { when: moment(t, notice.completesAt) })}
<form method="post" action="/recovery/cancel" class="inline"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit" class="danger small">${t('common:recoveryBanner.cancel')}</button></form></div>`;
}
