/** az's progress indicator on stderr: a turning bar and a status word, rewritten in place and erased at the end. */
export class Spinner {
  private static readonly FRAMES = ['|', '/', '-', '\\'];
  private frame = 0;
  private timer: NodeJS.Timeout | undefined;
  private message = '';

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly enabled: boolean,
  ) {}

  update(message: string): void {
    if (!this.enabled) return;
    this.message = message;
    if (!this.timer) {
      this.draw();
      this.timer = setInterval(() => this.draw(), 100);
      this.timer.unref();
    }
  }

  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.stream.write('\r\x1b[K');
  }

  private draw(): void {
    this.stream.write(`\r\x1b[K${Spinner.FRAMES[this.frame++ % Spinner.FRAMES.length]} ${this.message} ..`);
  }
}
