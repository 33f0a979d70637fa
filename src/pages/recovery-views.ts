/** What the recovery pages and the recovery banner say: when it completes, and how to cancel it. */
import type { RecoveryNotice } from '../recovery/guard.ts';
import { html, type Html } from '../core/html.ts';
import { moment, utc } from './ui.ts';
import type { T } from '../i18n/index.ts';

/**
 * A moment as a `<time>` element: "2026-11-25 12:00 UTC", which /static/local-time.js (on every page) writes
 * in the browser's time zone ("Wed 25 Nov, 07:00 your time").
 */
export function when(iso: string): Html {
  return html`<time datetime="${iso}" data-local>${utc(iso)}</time>`;
}

export function howToCancel(): Html {
  return html`<h2 class="sub">How to cancel it</h2>
<ul>
  <li>Open the cancel link in the email “Someone started recovery of your account” (also sent by text message to the account's phone numbers).</li>
  <li>Or sign in with any of your two-factor methods: that cancels it at once.</li>
  <li>Or, while signed in, press <strong>Cancel recovery</strong> at the top of any page.</li>
</ul>`;
}

export function requestIntro(hours: number, ifOpenedNow: string): Html {
  return html`<p>If you lost your phone, your authenticator app and your backup codes, you can recover your account by email.</p>
<p>For your security this takes <strong>${hours} hours</strong>: we email you a link, and once you open it, your two-factor methods are removed ${hours} hours later, at your next sign-in (opened now, that is ${when(ifOpenedNow)}). We tell your email address and your phone numbers at once so that the real owner can cancel it. If you still have a backup code, <a href="/sign-in/challenge?method=backup_code">use it instead</a>.</p>`;
}

export function linkSent(hours: number): Html {
  return html`<p>We sent a recovery link to your email address. It works once, for one hour.</p>
<p>When you open it, recovery starts: your two-factor methods are removed ${hours} hours later, at your next sign-in with your password. The page that opens shows the exact date and time.</p>
${howToCancel()}`;
}

export function pendingNote(pending: { completesAt: string; delayedByPasswordReset: boolean }): Html {
  return html`<div class="notice notice-info" role="status">A recovery of this account is already under way: it completes on <strong>${when(pending.completesAt)}</strong>${pending.delayedByPasswordReset ? ' (later than planned: the password was reset by email since it started)' : ''}. Sign in with your password after that time.</div>`;
}

export function confirmIntro(hours: number, ifStartedNow: string): Html {
  return html`<p>Starting recovery removes your two-factor methods after ${hours} hours, at your next sign-in with your password: started now, on <strong>${when(ifStartedNow)}</strong>. We will email you (and text your phone numbers) a way to cancel it.</p>`;
}

export function startedView(completesAt: string, hours: number): Html {
  return html`<p><strong>Recovery completes in ${hours} hours (${when(completesAt)}).</strong></p>
<h2 class="sub">What happens next</h2>
<ol>
  <li>We have emailed you (and texted your phone numbers) about this recovery, with a link to cancel it.</li>
  <li>After that time, sign in with your email and password: your two-factor methods, backup codes and trusted browsers are removed then, and you are signed in.</li>
  <li>Set up two-factor authentication again right away, and save your new backup codes.</li>
</ol>
${howToCancel()}
<p>If you did not start this, cancel it and change your password: someone knows it and can read your email.</p>
<p><a class="button" href="/sign-in">Back to sign-in</a></p>`;
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
