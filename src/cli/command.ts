/** A subcommand: parses its own arguments and calls the library. Returns the exit code. */
export interface Command {
  readonly summary: string;
  readonly usage: string;
  run(argv: string[]): Promise<number>;
}
