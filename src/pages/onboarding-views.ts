/** The owner's onboarding checklist: three steps, each ticked from what is true, and "Hide this list". */
import { html, type Html } from '../core/html.ts';
import type { Onboarding } from '../flows/onboarding.ts';

export function onboardingCard(onboarding: Onboarding | null, csrf: string, back: string): Html {
  if (!onboarding) return html``;
  const left = onboarding.steps.filter((s) => !s.done).length;
  return html`<section class="card onboarding" aria-labelledby="onboarding-title">
  <h2 id="onboarding-title">Get ${onboarding.orgName} started</h2>
  <p class="hint">${left} of ${onboarding.steps.length} steps left.</p>
  <ol class="checklist">${onboarding.steps.map(
    (
      s,
    ) => html`<li class="${s.done ? 'done' : ''}" data-step="${s.key}"><span class="tick" aria-hidden="true">${s.done ? '✓' : '○'}</span>
      ${s.done ? html`<span>${s.label}</span> <span class="badge ok">Done</span>` : html`<a href="${s.href}">${s.label}</a> <span class="sr-only">(to do)</span>`}</li>`,
  )}</ol>
  <form method="post" action="/onboarding/dismiss" class="inline">
    <input type="hidden" name="_csrf" value="${csrf}">
    <input type="hidden" name="next" value="${back}">
    <button type="submit" class="link">Hide this list</button>
  </form>
</section>`;
}
