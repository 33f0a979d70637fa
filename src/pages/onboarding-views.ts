/** The owner's onboarding checklist: three steps, each ticked from what is true, and "Hide this list". */
import { html, type Html } from '../core/html.ts';
import type { Onboarding } from '../flows/onboarding.ts';
import type { T } from '../i18n/index.ts';

export function onboardingCard(t: T, onboarding: Onboarding | null, csrf: string, back: string): Html {
  if (!onboarding) return html``;
  const left = onboarding.steps.filter((s) => !s.done).length;
  return html`<section class="card onboarding" aria-labelledby="onboarding-title">
  <h2 id="onboarding-title">${t('org:onboarding.heading', { org: onboarding.orgName })}</h2>
  <p class="hint">${t('org:onboarding.left', { count: left, total: onboarding.steps.length })}</p>
  <ol class="checklist">${onboarding.steps.map(
    (
      s,
    ) => html`<li class="${s.done ? 'done' : ''}" data-step="${s.key}"><span class="tick" aria-hidden="true">${s.done ? '✓' : '○'}</span>
      ${s.done ? html`<span>${t(s.label)}</span> <span class="badge ok">${t('org:onboarding.done')}</span>` : html`<a href="${s.href}">${t(s.label)}</a> <span class="sr-only">${t('org:onboarding.toDo')}</span>`}</li>`,
  )}</ol>
  <form method="post" action="/onboarding/dismiss" class="inline">
    <input type="hidden" name="_csrf" value="${csrf}">
    <input type="hidden" name="next" value="${back}">
    <button type="submit" class="link">${t('org:onboarding.hide')}</button>
  </form>
</section>`;
}
