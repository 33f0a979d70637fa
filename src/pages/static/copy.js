// "Copy" buttons: copy the text of the element named by data-copy-from (without its spaces). Without
// script the buttons stay hidden and the text stays selectable. The page gives the words in the reader's
// language (data-copied, data-copy-failed); English otherwise.
document.querySelectorAll('button[data-copy-from]').forEach((button) => {
  const source = document.getElementById(button.dataset.copyFrom || '');
  if (!source) return;
  const label = button.textContent;
  button.hidden = false;
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText((source.textContent || '').replace(/\s+/g, ''));
      button.textContent = button.dataset.copied || 'Copied';
    } catch {
      button.textContent = button.dataset.copyFailed || 'Copy failed — select the key instead';
    }
    setTimeout(() => {
      button.textContent = label;
    }, 4000);
  });
});
