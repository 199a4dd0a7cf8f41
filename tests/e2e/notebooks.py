#!/usr/bin/python3
"""Executes the teaching notebooks headlessly and checks every cell (run by tests/e2e/notebooks.sh).

    /usr/bin/python3 tests/e2e/notebooks.py [--out DIR] [NOTEBOOK.ipynb ...]

With no notebook named, runs every examples/notebooks/*.ipynb in name order. Each notebook gets
its own kernel — the one its `metadata.kernelspec.name` names (`tslab` or `deno`; the specs come
from examples/notebooks/kernels.mjs through JUPYTER_PATH) — started in the notebook's folder, and
its cells run top to bottom. A code cell passes when:
  - it has expectations: a non-empty code cell without `stacksim.text` or `stacksim.mime` in its
    metadata fails (a cell nobody checks proves nothing), and so does a key other than `mime`,
    `text` and `absent` there (a misspelt key would check nothing);
  - it produced no `error` output and no `stderr` stream (tslab reports compile and runtime errors
    only as stderr) and the kernel's reply is not an error;
  - every MIME type in its metadata's `stacksim.mime` is among its outputs' data;
  - every string in `stacksim.text` is found in its outputs (stream text and every text-like
    MIME form: text/plain, text/html, image/svg+xml, text/markdown, and each HTML table row as
    its cells' text, `| compute1 | enabled | up |`, whatever the markup's styles);
  - every row in `stacksim.rows` (a list of cell texts, e.g. `["compute1", "enabled", "down"]`)
    matches one HTML table row: those cells, exactly, in that order (other cells may sit between);
  - no string in `stacksim.absent` is found there.
For example, a cell's metadata `{"stacksim": {"mime": ["image/svg+xml"], "text": ["ACTIVE"]}}`.
Expect what only the right answer produces: a printed line or a table row
(`compute1</td><td>enabled</td><td>up`), not a word the cell's own code, a legend or a stylesheet
shows anyway. The first failing cell ends its notebook (later cells would only fail after it);
the others go on. Run on every notebook (none named), the notebooks must use both kernels,
exactly KERNELS: the lecture is meant to work on each.

Deno's kernel sometimes publishes a cell's output after reporting the cell idle, which nbclient
then drops (measured: 9 of 30 runs lost an output); after each cell on that kernel this drains
IOPub for DRAIN_SECONDS more and keeps whatever belongs to the cell (0 losses in 58 runs).

Needs Debian's python3-nbclient (call /usr/bin/python3: another python3 on PATH cannot see it).
Exits 0 when every cell of every notebook passed, 1 otherwise, 2 when it cannot start.
"""
import argparse
import glob
import os
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from queue import Empty

try:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionComplete
    from nbclient.util import ensure_async
except ImportError as error:  # pragma: no cover - the message is the point
    print(f'notebooks: {error}: apt-get install python3-nbclient, and run this with /usr/bin/python3', file=sys.stderr)
    sys.exit(2)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NOTEBOOKS = os.path.join(ROOT, 'examples', 'notebooks')
DRAIN_SECONDS = float(os.environ.get('STACKSIM_NOTEBOOK_DRAIN', '0.3'))
DRAINED_KERNELS = {'deno'}
CELL_TIMEOUT = int(os.environ.get('STACKSIM_NOTEBOOK_CELL_TIMEOUT', '180'))
TEXT_MIMES = ('text/plain', 'text/html', 'image/svg+xml', 'text/markdown', 'application/json')
KERNELS = {'tslab', 'deno'}
EXPECTATION_KEYS = {'mime', 'text', 'rows', 'absent'}


class TableRows(HTMLParser):
    """The rows of every table in an HTML document, each a list of its cells' text (whitespace collapsed)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows = []
        self._row = None
        self._cell = None

    def handle_starttag(self, tag, attrs):
        if tag == 'tr':
            self._row = []
        elif tag in ('td', 'th') and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ('td', 'th') and self._cell is not None and self._row is not None:
            self._row.append(' '.join(''.join(self._cell).split()))
            self._cell = None
        elif tag == 'tr' and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table_rows(outputs):
    """Every HTML table row the cell showed, as lists of cell texts."""
    rows = []
    for out in outputs:
        html = out.get('data', {}).get('text/html')
        if isinstance(html, list):
            html = ''.join(html)
        if isinstance(html, str) and '<tr' in html:
            parser = TableRows()
            parser.feed(html)
            rows.extend(parser.rows)
    return rows


def has_row(rows, wanted):
    """Whether one row holds the `wanted` cells, exactly and in order (others may sit between)."""
    for row in rows:
        at = 0
        for cell in row:
            if at < len(wanted) and cell == wanted[at]:
                at += 1
        if at == len(wanted):
            return True
    return False


def expectation_problems(cell):
    """What is wrong with a code cell's `stacksim` metadata itself (checked before it runs)."""
    if cell.get('cell_type') != 'code' or not cell.get('source', '').strip():
        return []
    expect = cell.get('metadata', {}).get('stacksim')
    if not isinstance(expect, dict):
        return ['no expectations: give the cell metadata {"stacksim": {"text": [...]}} (or "rows" / "mime"; "absent" too)']
    problems = []
    unknown = sorted(set(expect) - EXPECTATION_KEYS)
    if unknown:
        problems.append(f"unknown key(s) {', '.join(unknown)} in the cell's stacksim metadata (known: {', '.join(sorted(EXPECTATION_KEYS))})")
    for key in EXPECTATION_KEYS & set(expect):
        value = expect[key]
        if key == 'rows':
            if not isinstance(value, list) or not all(isinstance(r, list) and r and all(isinstance(x, str) for x in r) for r in value):
                problems.append('stacksim.rows must be a list of rows, each a non-empty list of cell texts')
        elif not isinstance(value, list) or not all(isinstance(x, str) and x for x in value):
            problems.append(f'stacksim.{key} must be a list of non-empty strings')
    if not expect.get('text') and not expect.get('mime') and not expect.get('rows'):
        problems.append('no expectations: stacksim.text, stacksim.rows or stacksim.mime must name what the output shows')
    return problems


class CellFailed(Exception):
    """Raised after a cell's checks failed, to end its notebook."""


def output_texts(outputs):
    """Every piece of text a cell showed: streams, tracebacks and the text-like MIME forms."""
    texts = []
    for out in outputs:
        kind = out.get('output_type')
        if kind == 'stream':
            texts.append(out.get('text', ''))
        elif kind == 'error':
            texts.append(f"{out.get('ename', '')}: {out.get('evalue', '')}")
            texts.extend(out.get('traceback', []))
        elif kind in ('display_data', 'execute_result'):
            data = out.get('data', {})
            for mime in TEXT_MIMES:
                value = data.get(mime)
                if isinstance(value, list):
                    value = ''.join(value)
                if isinstance(value, str):
                    texts.append(value)
                elif value is not None:
                    texts.append(str(value))
    return texts


def check_cell(cell, reply):
    """The problems with one executed code cell: an empty list when it passed."""
    problems = []
    outputs = cell.get('outputs', [])
    for out in outputs:
        if out.get('output_type') == 'error':
            problems.append(f"error output {out.get('ename')}: {out.get('evalue')}")
        elif out.get('output_type') == 'stream' and out.get('name') == 'stderr':
            problems.append('stderr: ' + out.get('text', '').strip()[:2000])
    if reply is not None and reply.get('content', {}).get('status') == 'error' and not problems:
        content = reply['content']
        problems.append(f"the kernel replied error: {content.get('ename')}: {content.get('evalue')}")
    expect = cell.get('metadata', {}).get('stacksim', {})
    mimes = set()
    for out in outputs:
        mimes.update(out.get('data', {}).keys())
    for mime in expect.get('mime', []):
        if mime not in mimes:
            problems.append(f"no {mime} output (had: {', '.join(sorted(mimes)) or 'none'})")
    rows = table_rows(outputs)
    joined = '\n'.join(output_texts(outputs) + ['| ' + ' | '.join(row) + ' |' for row in rows])
    for text in expect.get('text', []):
        if text not in joined:
            problems.append(f'text {text!r} not in the outputs')
    for row in expect.get('rows', []):
        if not has_row(rows, row):
            problems.append(f'no table row holds {row!r}')
    for text in expect.get('absent', []):
        if text in joined:
            problems.append(f'text {text!r} in the outputs, but it should not be')
    return problems


class CheckingClient(NotebookClient):
    """nbclient's client, checking each cell as it completes and draining IOPub on Deno."""

    def __init__(self, nb, drain, **kw):
        super().__init__(nb, **kw)
        self.drain = drain
        self.replies = {}
        self.failures = []
        self.on_cell_executed = self._remember_reply

    def _remember_reply(self, cell, cell_index, execute_reply):
        self.replies[cell_index] = execute_reply

    async def _drain(self, parent_msg_id, cell, cell_index):
        deadline = time.monotonic() + self.drain
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=remaining))
            except Empty:
                return
            if msg['parent_header'].get('msg_id') != parent_msg_id or msg['msg_type'] == 'status':
                continue
            try:
                self.process_message(msg, cell, cell_index)
            except CellExecutionComplete:
                pass

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        cell = await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        if cell.cell_type != 'code' or not cell.source.strip():
            return cell
        reply = self.replies.get(cell_index)
        if self.drain > 0 and reply is not None:
            await self._drain(reply['parent_header'].get('msg_id'), cell, cell_index)
            self.nb['cells'][cell_index] = cell
        problems = check_cell(cell, reply)
        if problems:
            self.failures.append((cell_index, cell.source, problems))
            raise CellFailed()
        return cell


def kernel_problem(nbs):
    """Why the notebooks' kernels are not exactly KERNELS (both covered, no other), or None."""
    kernels = {nb.metadata.get('kernelspec', {}).get('name') for nb in nbs}
    if kernels == KERNELS:
        return None
    return f"the notebooks' kernels are {', '.join(sorted(map(str, kernels)))}, not {', '.join(sorted(KERNELS))}: both kernels must be covered, and no other"


def run_notebook(path, out_dir):
    """Runs one notebook on its own kernel; returns (code cells run, failures, seconds)."""
    started = time.monotonic()
    nb = nbformat.read(path, as_version=4)
    kernel = nb.metadata.get('kernelspec', {}).get('name')
    if not kernel:
        return 0, [(None, '', ['the notebook names no kernel (metadata.kernelspec.name)'])], 0.0
    unchecked = [(i, c.source, p) for i, c in enumerate(nb.cells) for p in [expectation_problems(c)] if p]
    if unchecked:
        return 0, unchecked, 0.0
    client = CheckingClient(
        nb,
        drain=DRAIN_SECONDS if kernel in DRAINED_KERNELS else 0.0,
        kernel_name=kernel,
        timeout=CELL_TIMEOUT,
        startup_timeout=120,
        allow_errors=True,  # the checks above decide, so that the notebook can be written out
        record_timing=False,
        resources={'metadata': {'path': os.path.dirname(os.path.abspath(path))}},
    )
    # the kernel process's own stdout / stderr (Deno's "unstable" banner, a crash): shown on failure
    log = tempfile.TemporaryFile(mode='w+')
    try:
        client.execute(stdout=log, stderr=subprocess.STDOUT)
    except CellFailed:
        pass
    except Exception as error:  # the kernel did not start or died: one failure, with its reason
        client.failures.append((None, '', [f'{type(error).__name__}: {error}'.strip()[:2000]]))
    finally:
        log.seek(0)
        kernel_log = '\n'.join(line for line in log.read().splitlines() if 'is unstable and might change' not in line).strip()
        log.close()
        if client.failures and kernel_log:
            client.failures.append((None, '', ['the kernel printed:\n' + kernel_log[-3000:]]))
        if out_dir:
            os.makedirs(out_dir, exist_ok=True)
            nbformat.write(nb, os.path.join(out_dir, os.path.basename(path)))
    ran = sum(1 for i, c in enumerate(nb.cells) if c.cell_type == 'code' and i in client.replies)
    return ran, client.failures, time.monotonic() - started


def main():
    parser = argparse.ArgumentParser(description='Execute the teaching notebooks and check every cell.')
    parser.add_argument('notebooks', nargs='*', help='notebooks to run (default: examples/notebooks/*.ipynb)')
    parser.add_argument('--out', help='write each executed notebook, with its outputs, into this folder')
    args = parser.parse_args()
    paths = args.notebooks or sorted(glob.glob(os.path.join(NOTEBOOKS, '*.ipynb')))
    if not paths:
        print(f'notebooks: no notebook in {NOTEBOOKS}', file=sys.stderr)
        return 2
    if not os.environ.get('JUPYTER_PATH'):
        print('notebooks: JUPYTER_PATH is not set: run tests/e2e/notebooks.sh (it writes the kernel specs)', file=sys.stderr)
        return 2
    passed = failed = 0
    if not args.notebooks:
        problem = kernel_problem([nbformat.read(path, as_version=4) for path in paths])
        if problem:
            print(f'FAIL {problem}')
            failed += 1
    for path in paths:
        ran, failures, seconds = run_notebook(path, args.out)
        name = os.path.relpath(path, ROOT)
        if failures:
            failed += 1
            print(f'FAIL {name} ({ran} code cells run, {seconds:.1f} s)')
            for index, source, problems in failures:
                where = f'cell {index}' if index is not None else 'notebook'
                print(f'     {where}: ' + '; '.join(problems[:1]))
                for problem in problems[1:]:
                    print(f'       also: {problem}')
                for line in source.splitlines()[:8]:
                    print(f'       | {line}')
        else:
            passed += 1
            print(f'ok   {name} ({ran} code cells, {seconds:.1f} s)')
        sys.stdout.flush()
    print(f'notebooks: {passed} passed, {failed} failed')
    return 0 if failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
