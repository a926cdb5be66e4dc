import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../shared/user-error.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * util.parseArgs with its TypeErrors turned into UserErrors, so a mistyped flag prints one
 * line and the command's usage instead of a stack trace.
 */
export function parseCommandArgs<const O extends Options>(argv: string[], options: O, usage: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UserError(`${message}\n\n${usage}`);
  }
}
