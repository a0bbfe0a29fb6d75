/**
 * Splits one CSV row; quoted fields may hold commas and doubled quotes, not line breaks. Below every
 * capability, since both the POS upload contract and catalog imports are CSV. Kept instead of
 * csv-parse because the bench shows csv-parse slower giving the same fields: see the figures
 * "CSV row splitting, POS upload rows" and "CSV row splitting, catalog import rows (two thirds quoted)"
 * (bench/csv-rows.bench.ts), one row at a time as the callers read and, in their notes, even over a
 * whole file's text at once.
 */
export function splitCsvRow(line: string): string[] | { error: string } {
  if (!line.includes('"')) return line.split(',');
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i += 1;
      for (;;) {
        const quote = line.indexOf('"', i);
        if (quote === -1) return { error: 'has a quoted field that never closes (a row may not span lines)' };
        value += line.slice(i, quote);
        if (line[quote + 1] === '"') {
          value += '"';
          i = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
      if (i < line.length && line[i] !== ',') return { error: `has text after a closing quote at column ${i + 1}` };
      fields.push(value);
    } else {
      const comma = line.indexOf(',', i);
      const value = line.slice(i, comma === -1 ? line.length : comma);
      if (value.includes('"')) return { error: 'has a quote inside an unquoted field' };
      fields.push(value);
      i = comma === -1 ? line.length : comma;
    }
    if (i >= line.length) return fields;
    i += 1; // the comma
    if (i === line.length) {
      fields.push('');
      return fields;
    }
  }
}
