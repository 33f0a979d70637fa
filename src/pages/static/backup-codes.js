// Print and copy buttons for the backup-codes page (the page works without them). The page gives the
// words in the reader's language (data-copied, data-copy-failed); English otherwise.
document.querySelectorAll('[data-action]').forEach((button) => {
  button.hidden = false;
  button.addEventListener('click', async () => {
    if (button.dataset.action === 'print') window.print();
    if (button.dataset.action === 'copy') {
      try {
        await navigator.clipboard.writeText(button.dataset.copy || '');
        button.textContent = button.dataset.copied || 'Copied';
      } catch {
        button.textContent = button.dataset.copyFailed || 'Copy failed — select the codes instead';
      }
    }
  });
});
