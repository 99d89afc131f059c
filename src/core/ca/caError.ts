/** A CA operation refused for a reason the user can act on (bad name, date, existing folder...). */
export class CaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CaError';
  }
}
