// Dates, one format everywhere (views, hovers, documents, logs, CLI): ISO 8601 in UTC, written
// "2026-05-01 12:00:00 UTC"; where a row has room for the day only, its first ten characters.

export function formatDate(d: Date): string {
  return Number.isNaN(d.getTime()) ? 'invalid date' : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** "2026-05-01": the day part of formatDate, for labels and short descriptions. */
export function formatDay(d: Date): string {
  return Number.isNaN(d.getTime()) ? 'invalid date' : d.toISOString().slice(0, 10);
}

/** "12:00:00": the UTC time of day, for log lines and "last seen" columns. */
export function formatClock(d: Date): string {
  return Number.isNaN(d.getTime()) ? 'invalid time' : d.toISOString().slice(11, 19);
}

/** formatDate for a date carried as an ISO string (probe results, webview messages); '?' when absent. */
export function formatIso(iso: string | undefined): string {
  return iso ? formatDate(new Date(iso)) : '?';
}
