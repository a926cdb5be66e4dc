/**
 * An error caused by the user's input (a spec, a flag, a missing server), as opposed to a
 * bug in eventplane. The CLI prints its message alone, never a stack trace, and exits with
 * `exitCode`.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}
