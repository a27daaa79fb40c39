import { ArmClient } from './armClient.js';
import { CliError } from './errors.js';
import { observeHttp } from './http.js';
import { renderResult, type OutputFormat, type TableTransformer } from './output.js';
import { defaultAccount, readProfile, type Account } from './profile.js';
import { armResourceOf, graphResourceOf } from './tokens.js';
import { redact } from './redact.js';
import { Spinner } from './spinner.js';

/** The options every leaf command takes, as az's global arguments. */
export interface GlobalOptions {
  output: OutputFormat;
  query?: string;
  onlyShowErrors?: boolean;
  verbose?: boolean;
  debug?: boolean;
  /** `--subscription`: a subscription name or id of the signed-in accounts. */
  subscription?: string;
}

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

export const processIo: CliIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };

/** What a command's action works with: the signed-in account, REST clients, output and the terminal. */
export class CliContext {
  private cachedAccount: Account | undefined;

  constructor(
    readonly options: GlobalOptions,
    readonly io: CliIo = processIo,
  ) {
    if (options.debug) {
      observeHttp((call, reply, error) => {
        this.debug(`Request URL: '${call.method} ${redact.url(call.url)}'`);
        for (const [k, v] of Object.entries(call.headers ?? {})) this.debug(`    '${k}': '${redact.header(k, v)}'`);
        if (call.body !== undefined) this.debug(`Request body: ${redact.body(call.body)}`);
        if (reply) {
          this.debug(`Response status: ${reply.status}`);
          for (const [k, v] of Object.entries(reply.headers)) this.debug(`    '${k}': '${redact.header(k, String(v))}'`);
          if (reply.text) this.debug(`Response content: ${redact.body(reply.text)}`);
        } else if (error) this.debug(`Request failed: ${(error as Error).message}`);
      });
    }
  }

  /** The account commands act as: `--subscription` if given, else the default one. */
  account(): Account {
    if (this.cachedAccount) return this.cachedAccount;
    const profile = readProfile();
    if (profile.accounts.length === 0) throw new CliError("Please run 'amity login' to setup account.");
    let account: Account | undefined;
    if (this.options.subscription) {
      const wanted = this.options.subscription.toLowerCase();
      account = profile.accounts.find((a) => a.id.toLowerCase() === wanted) ?? profile.accounts.find((a) => a.name.toLowerCase() === wanted);
      if (!account) throw new CliError(`Subscription '${this.options.subscription}' not found. Check the spelling and casing and try again.`);
    } else account = defaultAccount(profile)!;
    this.cachedAccount = account;
    return account;
  }

  get subscriptionId(): string {
    return this.account().id;
  }

  /** Calls to the ARM API of the account's server. */
  arm(): ArmClient {
    const account = this.account();
    return new ArmClient(account, armResourceOf(account.server));
  }

  /** Calls to the Microsoft Graph API (`/msgraph/v1.0`) of the account's server. */
  graph(): ArmClient {
    const account = this.account();
    return new ArmClient(account, graphResourceOf(account.server), `${account.server}/msgraph/v1.0`);
  }

  /** Prints a command's result with `--output` and `--query`. */
  async print(result: unknown, table?: TableTransformer): Promise<void> {
    const text = await renderResult(result, this.options.output, this.options.query, this.io.stdout.isTTY === true, table);
    if (text) this.io.stdout.write(text);
  }

  warn(message: string): void {
    if (!this.options.onlyShowErrors) this.io.stderr.write(`WARNING: ${message}\n`);
  }

  info(message: string): void {
    if (this.options.verbose || this.options.debug) this.io.stderr.write(`INFO: ${message}\n`);
  }

  debug(message: string): void {
    if (this.options.debug) this.io.stderr.write(`DEBUG: ${message}\n`);
  }

  /**
   * Asks a yes/no question on the terminal, as az does before destructive operations. Without a terminal the
   * answer cannot be given, so the command stops and says how to confirm up front.
   */
  async confirm(question = 'Are you sure you want to perform this operation?'): Promise<boolean> {
    if (!this.io.stdin.isTTY) throw new CliError('Unable to prompt for confirmation as no tty available. Use --yes.');
    const readline = await import('node:readline/promises');
    const rl = readline.createInterface({ input: this.io.stdin, output: this.io.stderr, terminal: true });
    try {
      for (;;) {
        const answer = (await rl.question(`${question} (y/n): `)).trim().toLowerCase();
        if (answer === 'y' || answer === 'yes') return true;
        if (answer === 'n' || answer === 'no') return false;
        this.io.stderr.write('Please enter Y or N.\n');
      }
    } finally {
      rl.close();
    }
  }

  /** Runs a long operation with a spinner on a terminal (nothing when output is piped). */
  async withSpinner<T>(work: (progress: (message: string | undefined) => void) => Promise<T>): Promise<T> {
    const spinner = new Spinner(this.io.stderr, this.io.stderr.isTTY === true && !this.options.onlyShowErrors);
    try {
      return await work((message) => (message === undefined ? spinner.stop() : spinner.update(message)));
    } finally {
      spinner.stop();
    }
  }
}
