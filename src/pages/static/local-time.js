// Times marked <time data-local="%s your time" datetime="…"> are written in the browser's time zone and the
// page's language: "Thu 26 Nov, 21:44 your time", "jue 26 nov, 21:44 (tu hora)". The attribute holds the
// translated wording around the time. Without script they stay as the server wrote them.
(() => {
  const lang = document.documentElement.lang || 'en';
  const format = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : lang, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  document.querySelectorAll('time[data-local][datetime]').forEach((element) => {
    const date = new Date(element.getAttribute('datetime') || '');
    if (Number.isNaN(date.getTime())) return;
    const part = (type) => (format.formatToParts(date).find((p) => p.type === type)?.value ?? '').replace('.', '');
    const wording = element.getAttribute('data-local') || '%s your time';
    element.title = element.textContent || '';
    const time = `${part('weekday')} ${part('day')} ${part('month')}, ${part('hour')}:${part('minute')}`;
    element.textContent = wording.includes('%s') ? wording.replace('%s', time) : `${time} your time`;
  });
})();
