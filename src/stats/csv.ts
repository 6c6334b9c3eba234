import { once } from 'node:events';
import type { Response } from 'express';

/**
 * One CSV field (RFC 4180). Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`,
 * tab or carriage return first) gets a leading `'`: page titles and campaign names come from
 * visitors, and an export is opened in spreadsheets.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/**
 * Starts a CSV download on `res` and returns a writer that respects back-pressure: it resolves
 * false once the client has gone, so the producer can stop reading.
 */
export function csvResponse(
  res: Response,
  filename: string,
): { write: (lines: string) => Promise<boolean>; end: () => void } {
  res.status(200);
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader(
    'Content-Disposition',
    `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"`,
  );
  res.setHeader('Cache-Control', 'no-store');
  let gone = false;
  res.once('close', () => {
    gone = true;
  });
  return {
    async write(lines: string): Promise<boolean> {
      if (gone || res.destroyed) return false;
      if (!res.write(lines)) {
        await Promise.race([once(res, 'drain'), once(res, 'close')]);
      }
      return !gone && !res.destroyed;
    },
    end(): void {
      if (!res.destroyed) res.end();
    },
  };
}
