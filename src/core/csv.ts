/**
 * CSV for spreadsheets (RFC 4180: every cell quoted, quotes doubled, CRLF line ends), safe to open: a cell
 * that begins with = + - @ (or a tab or carriage return) gets a leading single quote so that a spreadsheet
 * shows it as text instead of running it as a formula (OWASP "CSV Injection",
 * https://owasp.org/www-community/attacks/CSV_Injection).
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string): string {
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return `"${text.replace(/"/g, '""')}"`;
}

export function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
