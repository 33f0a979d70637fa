// On narrow screens the main navigation folds behind a "Menu" button (aria-expanded tells its state).
// Without this script the navigation simply stays open and wraps.
const nav = document.querySelector('header.topbar nav');
const toggle = document.querySelector('header.topbar .menu-toggle');
if (nav && toggle) {
  document.documentElement.classList.add('has-menu');
  toggle.hidden = false;
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    nav.classList.toggle('open', open);
  });
}
