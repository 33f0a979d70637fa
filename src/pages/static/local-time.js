// Times marked <time data-local datetime="…"> are written in the browser's time zone: "Thu 26 Nov, 21:44
// your time". Without script they stay as the server wrote them (UTC).
(() => {
  const format = new Intl.DateTimeFormat('en-GB', {
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
    const part = (type) => format.formatToParts(date).find((p) => p.type === type)?.value ?? '';
    element.title = element.textContent || '';
    element.textContent = `${part('weekday')} ${part('day')} ${part('month')}, ${part('hour')}:${part('minute')} your time`;
  });
})();
