/**
 * A progress bar for long runs, on stderr so stdout stays the answer: on a terminal one line
 * redrawn with `\r` — only when the whole percentage shown changes, so at most about a hundred
 * redraws however long the run (the note is brought up to date with each of them) — elsewhere
 * (a pipe, CI logs) a sparse line every 10 %. A terminal that reports no width (0 columns, e.g.
 * under `script`) counts as an unknown width: lines are cut at 100 characters.
 */
import { stderr } from 'node:process';

/** The width assumed when the terminal reports none. */
const DEFAULT_COLUMNS = 100;

/** Where the bar is drawn: `process.stderr`, or anything with `write` (tests). */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** One bar from 0 to `total`. */
export class Progress {
  private shown = -1;
  private lastWidth = 0;
  private finished = false;
  private readonly tty: boolean;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly out: ProgressStream = stderr,
  ) {
    this.tty = out.isTTY === true;
  }

  /** `done` of `total` are finished; `note` says what is happening now (shown on a terminal). */
  update(done: number, note = ''): void {
    if (this.finished) return;
    const percent = this.total <= 0 ? 100 : Math.min(100, Math.floor((done / this.total) * 100));
    if (this.tty) {
      if (percent === this.shown) return;
      this.shown = percent;
      this.draw(this.line(done, percent, note));
      return;
    }
    const step = Math.floor(percent / 10) * 10;
    if (step <= this.shown || step === 100) return; // 100 % is finish()'s line
    this.shown = step;
    this.out.write(`${this.label}: ${step}% (${done}/${this.total})\n`);
  }

  /** The run is over: the last line, ended. */
  finish(note = ''): void {
    if (this.finished) return;
    this.finished = true;
    const text = `${this.label}: done (${this.total}/${this.total})${note === '' ? '' : ` — ${note}`}`;
    if (this.tty) {
      this.draw(text);
      this.out.write('\n');
    } else {
      this.out.write(`${text}\n`);
    }
  }

  private line(done: number, percent: number, note: string): string {
    const width = 30;
    const filled = Math.round((percent / 100) * width);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
    const text = `${this.label} ${bar} ${String(percent).padStart(3)}% ${done}/${this.total}${note === '' ? '' : ` ${note}`}`;
    const reported = this.out.columns;
    const columns = reported !== undefined && Number.isFinite(reported) && reported > 0 ? reported : DEFAULT_COLUMNS;
    return text.length >= columns ? text.slice(0, Math.max(10, columns - 1)) : text;
  }

  private draw(text: string): void {
    // pad over what the previous line left behind instead of an escape code, so any terminal works
    this.out.write(`\r${text}${' '.repeat(Math.max(0, this.lastWidth - text.length))}`);
    this.lastWidth = text.length;
  }
}
