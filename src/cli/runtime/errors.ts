/** A failure the CLI reports as `ERROR: <message>` and exits with: 1 for a failed operation, 2 for a usage error (as az). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** An error answered by the server in ARM's (or Graph's, or Entra's) envelope, printed as az prints it. */
export class ServiceError extends CliError {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly serviceMessage: string,
  ) {
    // az 2.45: `(Code) Message` on the ERROR line, then `Code:` and `Message:` lines.
    super(`(${code}) ${serviceMessage}\nCode: ${code}\nMessage: ${serviceMessage}`);
  }
}
