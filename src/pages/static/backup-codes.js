// Print and copy buttons for the backup-codes page (the page works without them).
document.querySelectorAll('[data-action]').forEach((button) => {
  button.hidden = false;
  button.addEventListener('click', async () => {
    if (button.dataset.action === 'print') window.print();
    if (button.dataset.action === 'copy') {
      try {
        await navigator.clipboard.writeText(button.dataset.copy || '');
        button.textContent = 'Copied';
      } catch {
        button.textContent = 'Copy failed — select the codes instead';
      }
    }
  });
});
