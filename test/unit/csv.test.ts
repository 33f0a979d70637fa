import { describe, expect, it } from 'vitest';
import { csvCell, csvLine } from '../../src/core/csv.ts';

describe('CSV cells (RFC 4180, OWASP CSV injection)', () => {
  it('quotes every cell and doubles quotes', () => {
    expect(csvCell('plain')).toBe('"plain"');
    expect(csvCell('say "hi", then go')).toBe('"say ""hi"", then go"');
    expect(csvLine(['a', 'b,c'])).toBe('"a","b,c"\r\n');
  });

  it('makes cells that a spreadsheet would run as a formula into text', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r']) expect(csvCell(`${start}1+1`)).toBe(`"'${start}1+1"`);
    expect(csvCell('=HYPERLINK("http://evil.test","x")')).toBe('"\'=HYPERLINK(""http://evil.test"",""x"")"');
    expect(csvCell('a=1')).toBe('"a=1"');
    expect(csvCell('')).toBe('""');
  });
});
