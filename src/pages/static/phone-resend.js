// The resend countdown on code pages: disables "Resend" / "Call me instead" until the cooldown is over,
// counting down in the text the server already wrote. The page works without it (the server says how long).
document.querySelectorAll('form[data-resend-cooldown]').forEach((form) => {
  let seconds = Number(form.getAttribute('data-resend-cooldown')) || 0;
  const wait = form.querySelector('[data-resend-wait]');
  const count = form.querySelector('[data-resend-seconds]');
  const buttons = form.querySelectorAll('button[type=submit]');
  const show = () => {
    const waiting = seconds > 0;
    buttons.forEach((button) => {
      button.disabled = waiting;
    });
    if (wait) wait.hidden = !waiting;
    if (count) count.textContent = String(seconds);
  };
  show();
  if (seconds <= 0) return;
  const timer = setInterval(() => {
    seconds -= 1;
    show();
    if (seconds <= 0) clearInterval(timer);
  }, 1000);
});
